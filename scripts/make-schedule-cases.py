#!/usr/bin/env python3
"""
Writes test/fixtures/schedule-cases.json: PyTorch's (float64) learning rates for its
schedulers and parameter trajectories for its optimizers with weight decay, which
test/optimizers/schedules.test.ts checks rnnkit against (within 1e-12). PyTorch only; run
where PyTorch is installed, never needed by `npm test`:

    python3 scripts/make-schedule-cases.py --out test/fixtures/schedule-cases.json

Specs use the reference fixtures' spelling (snake_case, `createOptimizer`/`createSchedule`):

- `schedules`: {label, base_lr, spec, lrs}: lrs[s] is the rate optimizer step s uses, i.e.
  after s calls of `scheduler.step()` (lrs[0] is the rate right after construction).
- `plateau`: {label, base_lr, spec, metrics, lrs}: lrs[k] is the rate after
  `scheduler.step(metrics[k])`.
- `optimizers`: {label, spec, schedule (or null), init, grads, params, lrs}: one parameter
  vector from `init`; at step k its gradient is set to grads[k], `optimizer.step()` runs
  (then `scheduler.step()` if a schedule is given); params[k] is the vector after it and
  lrs[k] the rate step k used.
"""
import argparse
import json
import sys
from collections import OrderedDict

import torch

torch.set_default_dtype(torch.float64)

EPOCHS = 30


def scheduler(spec, opt):
    s = dict(spec)
    name = s.pop('name')
    S = torch.optim.lr_scheduler
    if name == 'step_lr':
        return S.StepLR(opt, step_size=s['step_size'], gamma=s.get('gamma', 0.1))
    if name == 'exponential_lr':
        return S.ExponentialLR(opt, gamma=s['gamma'])
    if name == 'cosine_annealing_lr':
        return S.CosineAnnealingLR(opt, T_max=s['t_max'], eta_min=s.get('eta_min', 0))
    if name == 'linear_lr':
        return S.LinearLR(opt, start_factor=s.get('start_factor', 1 / 3), end_factor=s.get('end_factor', 1.0),
                          total_iters=s.get('total_iters', 5))
    if name == 'reduce_lr_on_plateau':
        return S.ReduceLROnPlateau(opt, mode=s.get('mode', 'min'), factor=s.get('factor', 0.1), patience=s.get('patience', 10),
                                   threshold=s.get('threshold', 1e-4), threshold_mode=s.get('threshold_mode', 'rel'),
                                   cooldown=s.get('cooldown', 0), min_lr=s.get('min_lr', 0), eps=s.get('eps', 1e-8))
    raise ValueError(name)


def optimizer(spec, params):
    s = dict(spec)
    name = s.pop('name')
    if 'betas' in s:
        s['betas'] = tuple(s['betas'])
    cls = {'sgd': torch.optim.SGD, 'sgd_momentum': torch.optim.SGD, 'adam': torch.optim.Adam, 'adamw': torch.optim.AdamW,
           'rmsprop': torch.optim.RMSprop, 'adagrad': torch.optim.Adagrad}[name]
    return cls(params, **s)


def od(*pairs):
    return OrderedDict(pairs)


SCHEDULES = [
    ('step_lr size 3 gamma 0.5', 0.1, od(('name', 'step_lr'), ('step_size', 3), ('gamma', 0.5))),
    ('step_lr size 1 gamma 0.9', 0.05, od(('name', 'step_lr'), ('step_size', 1), ('gamma', 0.9))),
    ('step_lr size 7 default gamma', 1.0, od(('name', 'step_lr'), ('step_size', 7))),
    ('exponential_lr gamma 0.9', 0.1, od(('name', 'exponential_lr'), ('gamma', 0.9))),
    ('exponential_lr gamma 0.5', 0.3, od(('name', 'exponential_lr'), ('gamma', 0.5))),
    ('exponential_lr gamma 1', 0.3, od(('name', 'exponential_lr'), ('gamma', 1.0))),
    ('cosine_annealing_lr t_max 4 eta_min 0.001', 0.1, od(('name', 'cosine_annealing_lr'), ('t_max', 4), ('eta_min', 0.001))),
    ('cosine_annealing_lr t_max 3 eta_min 0', 0.1, od(('name', 'cosine_annealing_lr'), ('t_max', 3), ('eta_min', 0.0))),
    ('cosine_annealing_lr t_max 1 eta_min 0.01', 0.1, od(('name', 'cosine_annealing_lr'), ('t_max', 1), ('eta_min', 0.01))),
    ('cosine_annealing_lr t_max 7 eta_min 0.02', 0.5, od(('name', 'cosine_annealing_lr'), ('t_max', 7), ('eta_min', 0.02))),
    ('cosine_annealing_lr t_max 5 default eta_min', 0.02, od(('name', 'cosine_annealing_lr'), ('t_max', 5))),
    ('linear_lr defaults', 0.1, od(('name', 'linear_lr'),)),
    ('linear_lr 0.1 → 1 over 10', 0.1, od(('name', 'linear_lr'), ('start_factor', 0.1), ('end_factor', 1.0), ('total_iters', 10))),
    ('linear_lr 1 → 0.1 over 4 (decay)', 0.2, od(('name', 'linear_lr'), ('start_factor', 1.0), ('end_factor', 0.1), ('total_iters', 4))),
    ('linear_lr 0.5 → 0.5 over 3 (constant)', 0.2, od(('name', 'linear_lr'), ('start_factor', 0.5), ('end_factor', 0.5), ('total_iters', 3))),
    ('linear_lr 0.25 → 0 over 6 (to zero)', 0.4, od(('name', 'linear_lr'), ('start_factor', 0.25), ('end_factor', 0.0), ('total_iters', 6))),
    ('linear_lr 0.3 → 0.9 over 1', 0.1, od(('name', 'linear_lr'), ('start_factor', 0.3), ('end_factor', 0.9), ('total_iters', 1))),
]

# a loss that improves, plateaus (tiny improvements below the threshold), improves again, rises
METRICS = [1.0, 0.9, 0.8, 0.8, 0.79995, 0.8, 0.81, 0.7, 0.7, 0.69999, 0.71, 0.72, 0.6, 0.6, 0.6, 0.6,
           0.59, 0.6, 0.6, 0.61, 0.62, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49, 0.5, 0.5, 0.5]
# an accuracy that rises and plateaus (for mode max)
ACCURACY = [0.1, 0.2, 0.3, 0.3, 0.30002, 0.29, 0.4, 0.4, 0.4, 0.41, 0.41, 0.41, 0.41, 0.5, 0.5, 0.5,
            0.5, 0.5, 0.55, 0.55, 0.55, 0.55, 0.55, 0.56, 0.56, 0.56, 0.56, 0.56, 0.56, 0.56]
NEGATIVE = [-1.0, -1.1, -1.2, -1.2, -1.20001, -1.19, -1.3, -1.3, -1.3, -1.3, -1.31, -1.3, -1.3, -1.3, -1.3,
            -1.4, -1.4, -1.4, -1.4, -1.4, -1.4, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5]

PLATEAU = [
    ('min rel defaults but patience 2', 0.1, od(('name', 'reduce_lr_on_plateau'), ('patience', 2)), METRICS),
    ('min rel patience 1 factor 0.5 cooldown 2', 0.1, od(('name', 'reduce_lr_on_plateau'), ('mode', 'min'), ('factor', 0.5), ('patience', 1), ('cooldown', 2)), METRICS),
    ('min rel threshold 0.05 (large)', 0.1, od(('name', 'reduce_lr_on_plateau'), ('factor', 0.5), ('patience', 1), ('threshold', 0.05)), METRICS),
    ('min abs threshold 0.005 patience 0', 0.1, od(('name', 'reduce_lr_on_plateau'), ('factor', 0.7), ('patience', 0), ('threshold', 0.005), ('threshold_mode', 'abs')), METRICS),
    ('min abs min_lr 0.02', 0.1, od(('name', 'reduce_lr_on_plateau'), ('factor', 0.5), ('patience', 0), ('threshold_mode', 'abs'), ('min_lr', 0.02)), METRICS),
    ('min rel eps 0.01 (skips small reductions)', 0.1, od(('name', 'reduce_lr_on_plateau'), ('factor', 0.5), ('patience', 0), ('eps', 0.01)), METRICS),
    ('max rel patience 1 cooldown 1', 1.0, od(('name', 'reduce_lr_on_plateau'), ('mode', 'max'), ('factor', 0.5), ('patience', 1), ('cooldown', 1)), ACCURACY),
    ('max abs threshold 0.01 patience 2 min_lr 0.2', 1.0, od(('name', 'reduce_lr_on_plateau'), ('mode', 'max'), ('factor', 0.3), ('patience', 2), ('threshold', 0.01), ('threshold_mode', 'abs'), ('min_lr', 0.2)), ACCURACY),
    ('min rel on negative metrics', 0.1, od(('name', 'reduce_lr_on_plateau'), ('factor', 0.5), ('patience', 1), ('threshold', 0.01)), NEGATIVE),
    ('max rel on negative metrics', 0.1, od(('name', 'reduce_lr_on_plateau'), ('mode', 'max'), ('factor', 0.5), ('patience', 1), ('threshold', 0.01)), NEGATIVE),
]

OPTIMIZERS = [
    ('sgd wd 0.1', od(('name', 'sgd'), ('lr', 0.1), ('weight_decay', 0.1)), None),
    ('sgd momentum 0.9 wd 0.05', od(('name', 'sgd_momentum'), ('lr', 0.1), ('momentum', 0.9), ('weight_decay', 0.05)), None),
    ('sgd momentum 0.9 dampening 0.3 wd 0.05', od(('name', 'sgd_momentum'), ('lr', 0.1), ('momentum', 0.9), ('dampening', 0.3), ('weight_decay', 0.05)), None),
    ('sgd nesterov 0.8 wd 0.05', od(('name', 'sgd_momentum'), ('lr', 0.1), ('momentum', 0.8), ('nesterov', True), ('weight_decay', 0.05)), None),
    ('adam wd 0.1', od(('name', 'adam'), ('lr', 0.01), ('betas', [0.9, 0.999]), ('eps', 1e-8), ('weight_decay', 0.1)), None),
    ('adam amsgrad wd 0.1 betas 0.8,0.9', od(('name', 'adam'), ('lr', 0.02), ('betas', [0.8, 0.9]), ('eps', 1e-6), ('amsgrad', True), ('weight_decay', 0.1)), None),
    ('adamw wd 0.05', od(('name', 'adamw'), ('lr', 0.01), ('betas', [0.9, 0.999]), ('eps', 1e-8), ('weight_decay', 0.05)), None),
    ('adamw default wd', od(('name', 'adamw'), ('lr', 0.05)), None),
    ('adamw amsgrad wd 0.1', od(('name', 'adamw'), ('lr', 0.02), ('betas', [0.9, 0.99]), ('amsgrad', True), ('weight_decay', 0.1)), None),
    ('rmsprop wd 0.1', od(('name', 'rmsprop'), ('lr', 0.01), ('alpha', 0.99), ('eps', 1e-8), ('weight_decay', 0.1)), None),
    ('rmsprop centered wd 0.1', od(('name', 'rmsprop'), ('lr', 0.01), ('alpha', 0.9), ('centered', True), ('weight_decay', 0.1)), None),
    ('rmsprop momentum 0.5 wd 0.1', od(('name', 'rmsprop'), ('lr', 0.01), ('alpha', 0.9), ('momentum', 0.5), ('weight_decay', 0.1)), None),
    ('rmsprop centered momentum 0.9 wd 0.05', od(('name', 'rmsprop'), ('lr', 0.005), ('alpha', 0.95), ('eps', 1e-6), ('momentum', 0.9), ('centered', True), ('weight_decay', 0.05)), None),
    ('adagrad wd 0.1', od(('name', 'adagrad'), ('lr', 0.1), ('weight_decay', 0.1)), None),
    ('adagrad lr_decay 0.1 wd 0.1', od(('name', 'adagrad'), ('lr', 0.1), ('lr_decay', 0.1), ('weight_decay', 0.1)), None),
    ('adagrad lr_decay 0.05 initial 0.1 eps 1e-6 wd 0.02', od(('name', 'adagrad'), ('lr', 0.2), ('lr_decay', 0.05), ('eps', 1e-6), ('initial_accumulator_value', 0.1), ('weight_decay', 0.02)), None),
    # with a schedule stepped after every update
    ('sgd momentum wd + cosine_annealing_lr t_max 3', od(('name', 'sgd_momentum'), ('lr', 0.1), ('momentum', 0.9), ('weight_decay', 0.01)),
     od(('name', 'cosine_annealing_lr'), ('t_max', 3), ('eta_min', 0.001))),
    ('adamw + step_lr', od(('name', 'adamw'), ('lr', 0.02), ('weight_decay', 0.05)), od(('name', 'step_lr'), ('step_size', 2), ('gamma', 0.5))),
    ('adagrad lr_decay + linear_lr warm-up', od(('name', 'adagrad'), ('lr', 0.1), ('lr_decay', 0.1), ('weight_decay', 0.05)),
     od(('name', 'linear_lr'), ('start_factor', 0.2), ('total_iters', 4))),
    ('rmsprop centered + exponential_lr', od(('name', 'rmsprop'), ('lr', 0.01), ('centered', True), ('weight_decay', 0.1)), od(('name', 'exponential_lr'), ('gamma', 0.8))),
]

OPT_STEPS = 10


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', default='test/fixtures/schedule-cases.json')
    p.add_argument('--seed', type=int, default=12)
    a = p.parse_args(argv)
    torch.manual_seed(a.seed)

    schedules = []
    for label, base_lr, spec in SCHEDULES:
        w = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([w], lr=base_lr)
        sch = scheduler(spec, opt)
        lrs = [opt.param_groups[0]['lr']]
        for _ in range(EPOCHS):
            opt.step()
            sch.step()
            lrs.append(opt.param_groups[0]['lr'])
        schedules.append(od(('label', label), ('base_lr', base_lr), ('spec', spec), ('lrs', lrs)))

    plateau = []
    for label, base_lr, spec, metrics in PLATEAU:
        w = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([w], lr=base_lr)
        sch = scheduler(spec, opt)
        lrs = []
        for m in metrics:
            opt.step()
            sch.step(m)
            lrs.append(opt.param_groups[0]['lr'])
        plateau.append(od(('label', label), ('base_lr', base_lr), ('spec', spec), ('metrics', metrics), ('lrs', lrs)))

    optimizers = []
    n = 5
    for label, spec, sched_spec in OPTIMIZERS:
        init = torch.randn(n)
        grads = torch.randn(OPT_STEPS, n)
        grads[3] = 0.0  # a zero gradient: only weight decay moves θ
        w = init.clone().requires_grad_(True)
        opt = optimizer(spec, [w])
        sch = scheduler(sched_spec, opt) if sched_spec else None
        params, lrs = [], []
        for k in range(OPT_STEPS):
            lrs.append(opt.param_groups[0]['lr'])
            w.grad = grads[k].clone()
            opt.step()
            if sch:
                sch.step()
            params.append(w.detach().tolist())
        optimizers.append(od(('label', label), ('spec', spec), ('schedule', sched_spec), ('init', init.tolist()),
                             ('grads', grads.tolist()), ('params', params), ('lrs', lrs)))

    out = od(('generator', 'torch %s float64 (scripts/make-schedule-cases.py --seed %d)' % (torch.__version__, a.seed)),
             ('schedules', schedules), ('plateau', plateau), ('optimizers', optimizers))
    with open(a.out, 'w') as fh:
        json.dump(out, fh)
        fh.write('\n')
    print('wrote %s: %d schedules, %d plateau cases, %d optimizer trajectories' % (a.out, len(schedules), len(plateau), len(optimizers)),
          file=sys.stderr)


if __name__ == '__main__':
    main()
