/**
 * Where an archive lives in the bucket. Keys are deterministic per task, so a part rewritten after
 * a crash replaces itself instead of leaving a second copy:
 *   tenants/<tenant>/archives/<yyyy>/<mm>/<task_id>/part-00001.ndjson.gz … manifest.json
 * <yyyy>/<mm> is the UTC month of the cutoff (`before_date`), not of the run: it names the period
 * the archive closes, so every archive of one retention period sorts together whenever it ran.
 */
export interface ArchiveLayout {
  prefix: string;
  partKey(partNumber: number): string;
  manifestKey: string;
}

export const MAX_PARTS = 99_999;

export function archiveLayout(tenantId: string, taskId: string, beforeDate: Date): ArchiveLayout {
  const yyyy = String(beforeDate.getUTCFullYear()).padStart(4, '0');
  const mm = String(beforeDate.getUTCMonth() + 1).padStart(2, '0');
  const prefix = `tenants/${tenantId}/archives/${yyyy}/${mm}/${taskId}/`;
  return {
    prefix,
    partKey(partNumber) {
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) throw new RangeError(`part number ${partNumber} is out of range`);
      return `${prefix}part-${String(partNumber).padStart(5, '0')}.ndjson.gz`;
    },
    manifestKey: `${prefix}manifest.json`,
  };
}
