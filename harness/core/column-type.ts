/**
 * A column's type as information_schema describes it: what the row generator needs to draw values that fit (the
 * corpus's table shapes state it for the columns they create; the generator reads it for a live schema's columns).
 */
export interface ColumnType {
  /** information_schema DATA_TYPE, lower case (int, varchar, decimal, enum, ...). */
  dataType: string;
  /** information_schema COLUMN_TYPE (`int(10) unsigned`, `enum('a','b')`, `decimal(8,2)`). */
  columnType: string;
  nullable: boolean;
  /** Characters (strings) or bytes (binary). */
  maxLength: number | null;
  precision: number | null;
  scale: number | null;
  /** Fractional seconds digits of temporal types. */
  fsp: number | null;
  charset: string | null;
  autoIncrement: boolean;
  /** Generated (virtual/stored) columns are computed by the server and never inserted. */
  generated: boolean;
}
