// The pictures of a run's last epoch (the Train panel's boundary, samples, held-out images or
// masks, and the first convolution's filters), kept with the run as PNG files.
import { useEffect, useState } from 'react';
import type { RunRecord } from '../../src/experiments/run-record.ts';
import { currentRuns, pictureFiles } from './app-runs.ts';

export function RunPictures(props: { readonly record: RunRecord }) {
  const [urls, setUrls] = useState<readonly { name: string; url: string }[]>([]);
  const { record } = props;
  useEffect(() => {
    let live = true;
    const made: string[] = [];
    void Promise.all(
      pictureFiles.map(async (name) => {
        const bytes = await currentRuns().file(record, name);
        if (!bytes) return undefined;
        const url = URL.createObjectURL(new Blob([bytes.slice()], { type: 'image/png' }));
        made.push(url);
        return { name, url };
      }),
    ).then((found) => {
      if (live) setUrls(found.filter((f) => f !== undefined));
    });
    return () => {
      live = false;
      for (const u of made) URL.revokeObjectURL(u);
    };
  }, [record]);
  if (urls.length === 0) return null;
  return (
    <figure className="run-curves" data-testid="runs-pictures">
      <figcaption>Last epoch of {record.id}</figcaption>
      {urls.map((u) => (
        <img
          key={u.name}
          src={u.url}
          alt={`${u.name === 'filters.png' ? 'first convolution filters' : 'picture'} of run ${record.id}`}
          className="picture"
          data-testid={`runs-${u.name.replace('.png', '')}`}
        />
      ))}
    </figure>
  );
}
