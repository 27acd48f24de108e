export interface Stats {
  start_time: string;
  end_time: string;
  interval: string;
  total: number;
  buckets: Array<{ start: string; count: number; groups: Record<string, number> }>;
  top: Array<{ key: string; count: number }>;
}

const HEIGHT = 80;

/** Events per bucket as bars, busiest severity shown by colour class; each bar names its bucket and count. */
export function Timeline({ stats }: { stats: Stats }) {
  const max = Math.max(1, ...stats.buckets.map((bucket) => bucket.count));
  const width = Math.max(1, stats.buckets.length);
  return (
    <figure class="timeline">
      <svg viewBox={`0 0 ${width * 10} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={`${stats.total} events from ${stats.start_time} to ${stats.end_time}, by ${stats.interval}`}>
        {stats.buckets.map((bucket, index) => {
          const height = (bucket.count / max) * (HEIGHT - 2);
          const severe = (bucket.groups.ERROR ?? 0) + (bucket.groups.CRITICAL ?? 0) > 0;
          return (
            <rect key={bucket.start} class={severe ? 'bar severe' : 'bar'} x={index * 10 + 1} y={HEIGHT - height} width={8} height={height}>
              <title>{`${bucket.start}: ${bucket.count}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption>
        {stats.total} events by {stats.interval}, {new Date(stats.start_time).toLocaleString()} – {new Date(stats.end_time).toLocaleString()}
        {stats.top.length > 0 && <> · top: {stats.top.slice(0, 4).map((item) => `${item.key} (${item.count})`).join(', ')}</>}
      </figcaption>
    </figure>
  );
}
