// Where a run stands: the backend (and a selector showing what each candidate measured), steps/s
// and the time left from the first seconds, epochs done, the last losses and the validation accuracy.
import type { Candidate } from './backend-choice.ts';
import { candidateId, candidateLabel, formatEta, formatRate, sameCandidate } from './backend-choice.ts';
import type { TrainingRun } from './useTrainingRun.ts';

function BackendSelect(props: { run: TrainingRun }) {
  const { run } = props;
  const offer = run.offer;
  if (!offer) return null;
  const rate = (c: Candidate): string => {
    const m = run.measured.find((x) => sameCandidate(x, c));
    return m ? ` — ${formatRate(1000 / m.msPerStep)}` : '';
  };
  const auto = run.chosen
    ? `automatic: ${candidateLabel(run.chosen, offer.adapter)}`
    : 'automatic (measured)';
  const value = run.pick === 'auto' ? 'auto' : candidateId(run.pick);
  return (
    <label className="field backend-field">
      <span className="field-label">Backend</span>
      <select
        value={value}
        disabled={run.running}
        data-testid="train-backend-choice"
        onChange={(e) => {
          const c =
            e.target.value === 'auto' ? undefined : offer.all.find((o) => candidateId(o) === e.target.value);
          run.setPick(c ?? 'auto');
        }}
      >
        <option value="auto">{auto}</option>
        {offer.all.map((c) => (
          <option key={candidateId(c)} value={candidateId(c)}>
            {candidateLabel(c, offer.adapter)}
            {rate(c)}
            {c.backend === 'webgpu' && offer.adapter?.fallback ? ' (slow, never chosen automatically)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TrainProgress(props: { run: TrainingRun; epochs: number }) {
  const { run, epochs } = props;
  const last = run.rows.at(-1);
  const live = run.live;
  const speed = run.running ? live?.stepsPerSecond : (last?.stepsPerSecond ?? live?.stepsPerSecond);
  // Epochs finished (as before); the step count shows progress inside an epoch.
  const status = run.measuring
    ? `measuring ${run.measuring}…`
    : last
      ? `epoch ${last.epoch}/${epochs}`
      : run.status;
  return (
    <>
      <BackendSelect run={run} />
      <div className="train-status" data-testid="train-status">
        <span data-testid="train-backend">{run.backend ?? (run.measuring ? 'measuring…' : '–')}</span>
        <span data-testid="train-speed">{formatRate(speed)}</span>
      </div>
      {run.why ? (
        <div className="train-why" data-testid="train-backend-why">
          {run.why}
        </div>
      ) : null}
      <progress max={live?.totalSteps ?? epochs} value={live?.step ?? last?.epoch ?? 0} />
      <div className="train-status">
        <span data-testid="train-epoch">{status}</span>
        <span data-testid="train-step">
          {live ? `step ${live.step}/${live.totalSteps} · epoch ${live.epoch}` : ''}
        </span>
        <span data-testid="train-eta">
          {run.status === 'running' && live ? formatEta(live.eta) : run.status === 'done' ? 'done' : ''}
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
