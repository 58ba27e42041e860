import { wayBackLines, type WayBack } from '../verify/upgrade/index.js';

/** pre-upgrade: the step's way back on the go/no-go page (which way works, how long the restore took). */
export function wayBackHtml(observations: Record<string, unknown>, esc: (s: unknown) => string): string {
  const w = observations['way back'] as WayBack | undefined;
  if (!w?.restore || !w.replication) return '';
  const ok = (b: boolean) => `<span class="badge ${b ? 'pass' : 'fail'}">${b ? 'WORKS' : 'DOES NOT WORK'}</span>`;
  const [replication, restore, rpo] = wayBackLines(w);
  return `<h4 data-way-back="${w.restore.verified ? 'restore-verified' : 'restore-failed'}">Way back</h4>
<ul class="way-back"><li data-way="replication">${ok(w.replication.exercised)} ${esc(replication)}</li>
<li data-way="restore" data-restore-s="${esc(w.restore.restoreS ?? '')}">${ok(w.restore.verified)} ${esc(restore)}</li>${rpo ? `\n<li class="mute">${esc(rpo)}</li>` : ''}</ul>`;
}
