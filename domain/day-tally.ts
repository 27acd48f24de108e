/**
 * What reconciliation compares for one tenant's UTC day, on each side (PostgreSQL rows, OpenSearch
 * documents): how many events, and two sums over their ids. An id's last twelve hex digits are read
 * as two 24-bit numbers (digits 25-30 and 31-36 of its text form, random bits in a UUIDv7); each sum
 * adds one of them over the day. A lost document and an orphan on the same day leave the count
 * unchanged but, unless their ids share those 48 bits, not the sums. Sums of 24-bit numbers stay
 * exact in a double (OpenSearch's `sum`) up to 2^29 events a day.
 */
export interface DayTally {
  count: number;
  lowSum: number;
  highSum: number;
}

export const sameTally = (a: DayTally | undefined, b: DayTally | undefined): boolean =>
  (a?.count ?? 0) === (b?.count ?? 0) && (a?.lowSum ?? 0) === (b?.lowSum ?? 0) && (a?.highSum ?? 0) === (b?.highSum ?? 0);
