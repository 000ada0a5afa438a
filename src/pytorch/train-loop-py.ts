// The part of train.py that is the same for every project: optimizers by Netloom's names, the
// learning-rate schedule, one training step over the objectives, evaluation, checkpoints, metrics
// and distribution with torch.distributed (torchrun). Kept as Python text so the browser build
// can write the package too.

export const trainLoopPy = String.raw`# ---- The loop: the same for every project Netloom exports. ----


@dataclass
class Step:
    """One objective's optimizer, with Netloom's treatment of its gradients."""

    objective: str
    optimizer: torch.optim.Optimizer
    clip_norm: Optional[float] = None  # clip the gradients' global L2 norm to this (clip_grad_norm_)
    l1: float = 0.0  # add l1 * sign(w) to each gradient


def make_optimizer(
    params: List[nn.Parameter],
    name: str,
    lr: float,
    momentum: Optional[float] = None,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: Optional[float] = None,
    alpha: float = 0.99,
    weight_decay: Optional[float] = None,
) -> torch.optim.Optimizer:
    """Netloom's optimizers with Netloom's defaults, as torch.optim (whose update rules Netloom follows)."""
    wd = weight_decay or 0.0
    if name in ("sgd", "momentum", "nesterov"):
        m = momentum if momentum is not None else (0.0 if name == "sgd" else 0.9)
        return torch.optim.SGD(params, lr=lr, momentum=m, nesterov=name == "nesterov", weight_decay=wd)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(beta1, beta2), eps=eps or 1e-8, weight_decay=wd)
    if name == "adamw":
        decay = 0.01 if weight_decay is None else weight_decay
        return torch.optim.AdamW(params, lr=lr, betas=(beta1, beta2), eps=eps or 1e-8, weight_decay=decay)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=eps or 1e-10, weight_decay=wd)
    if name == "rmsprop":
        m = momentum or 0.0
        return torch.optim.RMSprop(params, lr=lr, alpha=alpha, eps=eps or 1e-8, momentum=m, weight_decay=wd)
    raise SystemExit(f"train.py: unknown optimizer {name!r} (sgd, momentum, nesterov, adam, adamw, adagrad, rmsprop)")


def params_of(model: nn.Module, *names: str) -> List[nn.Parameter]:
    """The parameters of the named submodules (the nodes an objective trains)."""
    return [p for name in names for p in model.get_submodule(name).parameters()]


def lr_factor(step: int, total: int) -> float:
    """SCHEDULE's multiplier of each objective's learning rate at step 'step' (0-based) of 'total'."""
    s = SCHEDULE
    if s is None or s["kind"] == "constant":
        return 1.0

    def cosine(t: float, floor: float) -> float:
        return floor + (1.0 - floor) * (1 + math.cos(math.pi * min(1.0, max(0.0, t)))) / 2

    if s["kind"] == "step":
        return s["gamma"] ** (step // s["every"])
    if s["kind"] == "cosine":
        return cosine(step / (total - 1) if total > 1 else 0.0, s["minLr"])
    if s["kind"] == "warmup":
        if step < s["steps"]:
            return (step + 1) / s["steps"]
        if not s["cosine"]:
            return 1.0
        rest = total - s["steps"]
        return cosine((step - s["steps"]) / (rest - 1) if rest > 1 else 0.0, s["minLr"])
    raise SystemExit(f"train.py: unknown schedule {s['kind']!r}")


def train_step(objectives: nn.Module, steps: List[Step], x: Tensor, y: Tensor) -> List[Tuple[Tensor, Optional[Tensor]]]:
    """One batch: each objective in turn (a GAN's discriminator, then its generator) computes its loss
    from the current weights, takes gradients and steps its own optimizer."""
    results = []
    for k, step in enumerate(steps):
        objectives.zero_grad(set_to_none=True)
        loss, prediction = objectives(k, x, y)
        if not torch.isfinite(loss):
            raise SystemExit(
                f"train.py: objective {step.objective!r}: the loss is {loss.item()}. "
                "Lower the learning rate, clip gradients, or check the data for NaN."
            )
        loss.backward()
        params = [p for group in step.optimizer.param_groups for p in group["params"] if p.grad is not None]
        if step.clip_norm is not None:
            torch.nn.utils.clip_grad_norm_(params, step.clip_norm)
        if step.l1 > 0:
            for p in params:
                p.grad.add_(torch.sign(p.detach()), alpha=step.l1)
        step.optimizer.step()
        results.append((loss.detach(), None if prediction is None else prediction.detach()))
    return results


def correct_count(prediction: Tensor, target: Tensor) -> int:
    """Top-1 hits of logits or probabilities [N, C, ...] against class indices [N, ...]; one unit is
    class 1 above 0, as Netloom counts."""
    guess = (prediction[:, 0] > 0).long() if prediction.shape[1] == 1 else prediction.argmax(dim=1)
    return int((guess == target).sum())


def to_device(x: Tensor, y: Tensor, device: torch.device, task: str) -> Tuple[Tensor, Tensor]:
    """A batch on the device: pixels stored as bytes become [0, 1], then NORMALIZE applies (token
    ids for an int64 Input stay integers)."""
    x = x.to(device, non_blocking=True)
    if INPUT_DTYPE == "int64":
        x = x.long()
    else:
        x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
        if NORMALIZE is not None:
            x = (x - NORMALIZE[0]) / NORMALIZE[1]
    y = y.to(device, non_blocking=True)
    return x, (y.long() if task == "classification" else y.float())


class World:
    """This process's place among the torchrun processes (one process: rank 0 of 1)."""

    def __init__(self) -> None:
        self.distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
        cuda = torch.cuda.is_available()
        if self.distributed:
            # NCCL between GPUs, gloo between CPU processes; torchrun gives the rendezvous.
            dist.init_process_group("nccl" if cuda else "gloo")
        self.rank = dist.get_rank() if self.distributed else 0
        self.size = dist.get_world_size() if self.distributed else 1
        local = int(os.environ.get("LOCAL_RANK", "0"))
        self.device = torch.device(f"cuda:{local}") if cuda else torch.device("cpu")
        if cuda:
            torch.cuda.set_device(self.device)

    def sum(self, *values: float) -> List[float]:
        """Sums numbers over all processes."""
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.distributed:
            dist.all_reduce(t)
        return t.tolist()

    def say(self, message: str) -> None:
        if self.rank == 0:
            print(message, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.distributed:
            dist.destroy_process_group()


@torch.no_grad()
def evaluate(objectives: Objectives, data, indices: List[int], batch: int, world: World) -> Tuple[float, Optional[float]]:
    """The first objective's loss, and accuracy when it has a prediction and the data has classes, on
    the validation examples (each process takes every world.size-th), in evaluation mode."""
    objectives.eval()
    mine = indices[world.rank :: world.size]
    loss_sum, hits, elements, count = 0.0, 0, 0, 0
    devices = [world.device] if world.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(0x5EED)  # the same noise for every evaluation, so epochs compare
        for start in range(0, len(mine), batch):
            x, y = data.batch(mine[start : start + batch])
            x, y = to_device(x, y, world.device, data.task)
            loss, prediction = objectives(0, x, y)
            loss_sum += float(loss) * x.shape[0]
            count += x.shape[0]
            if prediction is not None and data.task == "classification":
                hits += correct_count(prediction, y)
                elements += y.numel()
    loss_sum, count, hits, elements = world.sum(loss_sum, count, hits, elements)
    accuracy = hits / elements if elements > 0 else None
    return loss_sum / max(count, 1), accuracy


def netloom_weights(model: nn.Module) -> Dict[str, Tensor]:
    """The state_dict under Netloom's names (BatchNorm's step counter is torch's alone)."""
    return {
        k: v.detach().float().cpu().contiguous()
        for k, v in model.state_dict().items()
        if not k.endswith("num_batches_tracked")
    }


def load_weights(model: nn.Module, path: str) -> None:
    """Weights Netloom saved (.safetensors, from the Train tab or netloom train --save-weights) or a
    torch state_dict (.pt); every name and shape must fit."""
    state = load_file(path) if path.endswith(".safetensors") else torch.load(path, map_location="cpu")
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise SystemExit(f"train.py: {path} does not fit this model: {e}")


def save_checkpoint(path: str, model: nn.Module, steps: List[Step], epoch: int, step: int) -> None:
    state = {
        "model": model.state_dict(),
        "optimizers": [s.optimizer.state_dict() for s in steps],
        "epoch": epoch,
        "step": step,
    }
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)  # a crash never leaves half a checkpoint


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=EPOCHS, help=f"epochs to train (default {EPOCHS})")
    p.add_argument("--batch", type=int, default=BATCH_SIZE, help=f"global batch, split across processes (default {BATCH_SIZE})")
    p.add_argument("--lr", type=float, default=None, help="learning rate of every objective (default: the project's)")
    p.add_argument("--optimizer", default=None, help="sgd, momentum, nesterov, adam, adamw, adagrad or rmsprop")
    p.add_argument("--seed", type=int, default=SEED, help=f"seed of the weights, shuffles and split (default {SEED})")
    p.add_argument("--weights", default=None, help="start from these weights (.safetensors from Netloom, or .pt)")
    p.add_argument("--data", default=None, help="folder (or .csv) of examples; default: data/ beside train.py")
    p.add_argument("--out", default="runs", help="folder for checkpoint.pt and model.safetensors (default runs)")
    return p.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> nn.Module:
    args = parse_args(argv)
    world = World()
    try:
        return run(args, world)
    finally:
        world.close()


def run(args: argparse.Namespace, world: World) -> nn.Module:
    if args.batch % world.size != 0:
        raise SystemExit(f"train.py: the batch {args.batch} does not split evenly across {world.size} processes")
    per_process = args.batch // world.size
    torch.manual_seed(args.seed)
    here = os.path.dirname(os.path.abspath(__file__))
    data = load_dataset(args.data or os.path.join(here, "data"), INPUT_SHAPE)
    train_idx, val_idx = validation_split(len(data), VALIDATION_SPLIT if VALIDATION_SPLIT > 0 else 0.2, args.seed)

    model = MODEL().to(world.device)
    if args.weights:
        load_weights(model, args.weights)
    steps = make_steps(model, args.optimizer, args.lr)
    # Weights no objective trains stay as they are (frozen nodes).
    trained = {id(p) for s in steps for group in s.optimizer.param_groups for p in group["params"]}
    for p in model.parameters():
        p.requires_grad_(id(p) in trained)

    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "checkpoint.pt")
    start_epoch, step = 0, 0
    if os.path.exists(checkpoint):
        # Resume where the last run stopped (torchrun restarts a failed run the same way).
        state = torch.load(checkpoint, map_location=world.device)
        model.load_state_dict(state["model"])
        for s, o in zip(steps, state["optimizers"]):
            s.optimizer.load_state_dict(o)
        start_epoch, step = state["epoch"], state["step"]
        world.say(f"resuming from {checkpoint} after epoch {start_epoch}")

    objectives = Objectives(model)
    if world.distributed and world.device.type == "cuda":
        objectives = nn.SyncBatchNorm.convert_sync_batchnorm(objectives)
    stepper = objectives
    if world.distributed:
        device_ids = [world.device.index] if world.device.type == "cuda" else None
        stepper = DistributedDataParallel(
            objectives, device_ids=device_ids, find_unused_parameters=FIND_UNUSED_PARAMETERS
        )
    train_set = Subset(data, train_idx)
    sampler = DistributedSampler(
        train_set, num_replicas=world.size, rank=world.rank, shuffle=True, seed=args.seed, drop_last=True
    )
    loader = DataLoader(
        train_set, batch_size=per_process, sampler=sampler, drop_last=True, num_workers=data.workers
    )
    if len(loader) == 0:
        raise SystemExit(f"train.py: {len(train_idx)} training examples are fewer than one batch of {args.batch}")
    total = len(loader) * args.epochs
    world.say(
        f"training {NAME} on {data.name}: {len(train_idx)} train / {len(val_idx)} validation examples, "
        f"batch {args.batch} on {world.size} process(es) ({world.device.type})"
    )
    for epoch in range(start_epoch, args.epochs):
        sampler.set_epoch(epoch)
        stepper.train()
        loss_sum, seen = 0.0, 0
        started = time.perf_counter()
        for x, y in loader:
            x, y = to_device(x, y, world.device, data.task)
            factor = lr_factor(step, total)
            for s in steps:
                for group in s.optimizer.param_groups:
                    group["lr"] = group.setdefault("initial_lr", group["lr"]) * factor
            results = train_step(stepper, steps, x, y)
            loss_sum += float(results[0][0]) * x.shape[0]
            seen += x.shape[0]
            step += 1
        seconds = time.perf_counter() - started
        if world.distributed:
            # DDP keeps rank 0's buffers (BatchNorm statistics); all ranks evaluate and save the same.
            for b in model.buffers():
                dist.broadcast(b, 0)
        loss_sum, seen = world.sum(loss_sum, seen)
        val_loss, val_accuracy = evaluate(objectives, data, val_idx, per_process, world)
        if world.rank == 0:
            metrics = {
                "epoch": epoch + 1,
                "loss": loss_sum / seen,
                "valLoss": val_loss,
                "valAccuracy": val_accuracy,
                "stepsPerSecond": len(loader) / seconds if seconds > 0 else 0.0,
            }
            print(json.dumps(metrics), flush=True)
            save_checkpoint(checkpoint, model, steps, epoch + 1, step)
        if world.distributed:
            dist.barrier()
    if world.rank == 0:
        weights = os.path.join(args.out, "model.safetensors")
        save_file(netloom_weights(model), weights, {"format": "pt", "producer": "netloom train.py", "model": NAME})
        world.say(f"{weights}: trained weights (load them in Netloom, or with --weights)")
    return model


if __name__ == "__main__":
    main()
`;
