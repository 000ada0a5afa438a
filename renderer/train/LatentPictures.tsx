// The latent space after each epoch: a VAE's decoded grid of z, and held-out examples' latents
// scattered by class (a VAE or an autoencoder).
import { useEffect, useRef } from 'react';
import { drawLatentGrid, drawLatentScatter } from './latent-pictures.ts';
import type { LatentPictures as Pictures } from './useTrainingRun.ts';

export function LatentPictures({ latent }: { latent: Pictures }) {
  const grid = useRef<HTMLCanvasElement>(null);
  const scatter = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (latent.grid && grid.current) drawLatentGrid(grid.current, latent.grid);
    if (latent.scatter && scatter.current) drawLatentScatter(scatter.current, latent.scatter);
  }, [latent]);
  return (
    <>
      {latent.grid && (
        <>
          <h4>Latent grid</h4>
          <canvas ref={grid} width={288} height={288} className="picture" data-testid="train-latent-grid" />
          <p className="caption">{latent.grid.caption}</p>
        </>
      )}
      {latent.scatter && (
        <>
          <h4>Latent space by class</h4>
          <canvas
            ref={scatter}
            width={288}
            height={310}
            className="picture"
            data-testid="train-latent-scatter"
          />
          <p className="caption">{latent.scatter.caption}</p>
        </>
      )}
    </>
  );
}
