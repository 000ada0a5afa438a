// Where a run stands: backend and speed, epochs done and the time left, the last losses and the
// validation accuracy.
import type { TrainingRun } from './useTrainingRun.ts';

export function TrainProgress(props: { run: TrainingRun; epochs: number }) {
  const { run, epochs } = props;
  const last = run.rows.at(-1);
  const elapsed = (performance.now() - run.startedAt) / 1000;
  const eta = last && last.epoch < epochs ? (elapsed / last.epoch) * (epochs - last.epoch) : 0;
  return (
    <>
      <div className="train-status" data-testid="train-status">
        <span data-testid="train-backend">{run.backend ?? '–'}</span>
        <span data-testid="train-speed">
          {run.speed !== undefined ? `${run.speed.toFixed(0)} steps/s` : ''}
        </span>
      </div>
      <progress max={epochs} value={last?.epoch ?? 0} />
      <div className="train-status">
        <span data-testid="train-epoch">{last ? `epoch ${last.epoch}/${epochs}` : run.status}</span>
        <span>
          {run.running && eta > 0 ? `ETA ${eta.toFixed(0)} s` : run.status === 'done' ? 'done' : ''}
        </span>
      </div>
      <dl className="facts">
        <div>
          <dt>Loss</dt>
          <dd data-testid="train-loss">{last ? last.loss.toFixed(4) : '–'}</dd>
        </div>
        <div>
          <dt>Validation loss</dt>
          <dd>{last?.valLoss !== undefined ? last.valLoss.toFixed(4) : '–'}</dd>
        </div>
        <div>
          <dt>Validation accuracy</dt>
          <dd data-testid="train-accuracy">
            {last?.valAccuracy !== undefined ? `${(last.valAccuracy * 100).toFixed(1)}%` : '–'}
          </dd>
        </div>
      </dl>
    </>
  );
}
