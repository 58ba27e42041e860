#!/usr/bin/env python3
"""Creates the store's two users through its IAM API while it still accepts unauthenticated actions (the first
INITIAL_NO_AUTH_ACTION_COUNT requests), and prints their keys once as JSON: a writer (every S3 action) and a reader
(only what a restore-test needs: s3:ListBucket, s3:GetObject). Every later request must be signed with one of them."""
import json
import boto3

iam = boto3.client("iam", endpoint_url="http://127.0.0.1:9000", region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
POLICIES = {
    "writer": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]},
    "reader": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "arn:aws:s3:::*"},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::*/*"},
    ]},
}
out = {}
for user, policy in POLICIES.items():
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName=user, PolicyDocument=json.dumps(policy))
    k = iam.create_access_key(UserName=user)["AccessKey"]
    out[user] = {"accessKeyId": k["AccessKeyId"], "secretAccessKey": k["SecretAccessKey"]}
print(json.dumps(out))
