/**
 * Learning-rate schedules (lib/optimizers/schedules.ts) against PyTorch 1.13, and the
 * optimizers' weight decay trajectories, from test/fixtures/schedule-cases.json (written by
 * scripts/make-schedule-cases.py in float64): every rate and every parameter within 1e-12.
 * Then behaviour: getState/setState round trips continue bit for bit, bad options are refused
 * with messages naming operation, option, expectation and value, and the Trainer steps its
 * schedule after every update it applies and never after a skipped one.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Param } from '../../lib/param.js';
import { type OptimizerSpec, createOptimizer } from '../../lib/optimizers/create-optimizer.js';
import type { Optimizer } from '../../lib/optimizers/optimizer.js';
import { SGD } from '../../lib/optimizers/sgd.js';
import {
  CosineAnnealingLR, ExponentialLR, LinearLR, ReduceLROnPlateau, type ScheduleSpec, type ScheduleState, StepLR, createSchedule,
} from '../../lib/optimizers/schedules.js';
import { NonFiniteError, Trainer } from '../../lib/training/trainer.js';

const TOL = 1e-12;

interface ScheduleCase { label: string; base_lr: number; spec: ScheduleSpec; lrs: number[] }
interface PlateauCase extends ScheduleCase { metrics: number[] }
interface OptimizerCase {
  label: string;
  spec: OptimizerSpec;
  schedule: ScheduleSpec | null;
  init: number[];
  grads: number[][];
  params: number[][];
  lrs: number[];
}
interface Cases { generator: string; schedules: ScheduleCase[]; plateau: PlateauCase[]; optimizers: OptimizerCase[] }

const CASES = JSON.parse(readFileSync(path.resolve(process.cwd(), 'test/fixtures/schedule-cases.json'), 'utf8')) as Cases;

function param(values: number[], name = 'w'): Param {
  return { name, shape: [values.length], value: Float64Array.from(values), grad: new Float64Array(values.length) };
}

function sgd(lr: number): SGD {
  return new SGD([param([0])], { lr });
}

/** Asserts |got − want| ≤ TOL, naming the case and the index. */
function expectClose(got: number, want: number, what: string): void {
  expect(Math.abs(got - want), `${what}: rnnkit ${got}, PyTorch ${want}`).to.be.at.most(TOL);
}

describe('optimizers/schedules', () => {
  describe(`PyTorch's rates (${CASES.generator})`, () => {
    it('has cases of every schedule', () => {
      const names = new Set([...CASES.schedules, ...CASES.plateau].map((c) => c.spec.name));
      expect([...names].sort()).to.deep.equal(['cosine_annealing_lr', 'exponential_lr', 'linear_lr', 'reduce_lr_on_plateau', 'step_lr']);
    });

    for (const c of CASES.schedules) {
      it(`${c.label}: ${c.lrs.length} rates within ${TOL}`, () => {
        const opt = sgd(c.base_lr);
        const schedule = createSchedule(opt, c.spec);
        c.lrs.forEach((want, s) => {
          if (s > 0) schedule.step();
          expectClose(opt.lr, want, `${c.label}, epoch ${s}`);
          expect(schedule.lr).to.equal(opt.lr);
        });
        expect(schedule.lastEpoch).to.equal(c.lrs.length - 1);
      });
    }

    for (const c of CASES.plateau) {
      it(`reduce_lr_on_plateau ${c.label}: ${c.metrics.length} steps within ${TOL}`, () => {
        const opt = sgd(c.base_lr);
        const schedule = createSchedule(opt, c.spec);
        expect(opt.lr).to.equal(c.base_lr);
        c.metrics.forEach((m, k) => {
          schedule.step(m);
          expectClose(opt.lr, c.lrs[k], `${c.label}, after metric ${k} (${m})`);
        });
      });
    }
  });

  describe("PyTorch's optimizer trajectories with weight decay", () => {
    for (const c of CASES.optimizers) {

      it(`${c.label}: ${c.params.length} steps within ${TOL}`, () => {
        const p = param(c.init);
        const opt = createOptimizer([p], c.spec);
        const schedule = c.schedule ? createSchedule(opt, c.schedule) : null;
        c.grads.forEach((g, k) => {
          expectClose(opt.lr, c.lrs[k], `${c.label}: lr of step ${k}`);
          p.grad.set(g);
          opt.step();
          schedule?.step();
          c.params[k].forEach((want, j) => expectClose(p.value[j], want, `${c.label}: θ[${j}] after step ${k}`));
        });
      });
    }

    it('the same trajectories through a Trainer with option `schedule`', () => {
      for (const c of CASES.optimizers.filter((o) => o.schedule)) {
        const p = param(c.init);
        const model = { params: [p], zeroGrad: () => p.grad.fill(0) };
        const optimizer = createOptimizer(model.params, c.spec);
        const trainer = new Trainer(model, { optimizer, schedule: createSchedule(optimizer, c.schedule!) });
        c.grads.forEach((g, k) => {
          expectClose(trainer.optimizer.lr, c.lrs[k], `${c.label}: lr of step ${k}`);
          const r = trainer.run(() => {
            p.grad.set(g);
            return 1;
          });
          expect(r.skipped).to.equal(false);
          c.params[k].forEach((want, j) => expectClose(p.value[j], want, `${c.label}: θ[${j}] after step ${k}`));
        });
        expect(trainer.schedule!.lastEpoch).to.equal(c.grads.length);
      }
    });
  });

  describe('getState / setState', () => {
    const specs: ScheduleSpec[] = [
      { name: 'step_lr', step_size: 3, gamma: 0.5 },
      { name: 'exponential_lr', gamma: 0.9 },
      { name: 'cosine_annealing_lr', t_max: 4, eta_min: 0.001 },
      { name: 'linear_lr', start_factor: 0.1, total_iters: 7 },
    ];
    for (const spec of specs) {
      it(`${spec.name}: a schedule restored mid-run (through JSON) continues bit for bit`, () => {
        const a = createSchedule(sgd(0.1), spec);
        for (let s = 0; s < 5; s++) a.step();
        const state = JSON.parse(JSON.stringify(a.getState())) as ScheduleState;
        const b = createSchedule(sgd(0.1), spec);
        b.setState(state);
        expect(b.lastEpoch).to.equal(5);
        expect(Object.is(b.lr, a.lr)).to.equal(true);
        for (let s = 0; s < 20; s++) {
          a.step();
          b.step();
          expect(Object.is(b.lr, a.lr), `epoch ${a.lastEpoch}: ${b.lr} vs ${a.lr}`).to.equal(true);
        }
        expect(b.getState()).to.deep.equal(a.getState());
      });
    }

    it('reduce_lr_on_plateau: best, bad epochs and cooldown are restored (±Infinity best as null)', () => {
      const c = CASES.plateau.find((p) => p.label.includes('cooldown 2'))!;
      const a = createSchedule(sgd(c.base_lr), c.spec);
      // before any step, best is +Infinity: written as null and read back as such
      const fresh = JSON.parse(JSON.stringify(a.getState())) as ScheduleState;
      expect(fresh.best).to.equal(null);
      for (let k = 0; k < 10; k++) a.step(c.metrics[k]);
      const state = JSON.parse(JSON.stringify(a.getState())) as ScheduleState;
      expect(state).to.include.keys('best', 'numBadEpochs', 'cooldownCounter');
      const b = createSchedule(sgd(c.base_lr), c.spec);
      b.setState(state);
      for (let k = 10; k < c.metrics.length; k++) {
        a.step(c.metrics[k]);
        b.step(c.metrics[k]);
        expect(Object.is(b.lr, a.lr), `after metric ${k}`).to.equal(true);
        expectClose(b.lr, c.lrs[k], `${c.label} resumed, after metric ${k}`);
      }
      const restart = createSchedule(sgd(c.base_lr), c.spec);
      restart.setState(fresh);
      c.metrics.forEach((m, k) => {
        restart.step(m);
        expectClose(restart.lr, c.lrs[k], `${c.label} from a fresh state, after metric ${k}`);
      });
    });

    it('refuses a state of other options or name, or with an unknown key, and changes nothing; adopts the state\'s base rate', () => {
      const a = new StepLR(sgd(0.1), { stepSize: 2, gamma: 0.5 });
      a.step();
      a.step();
      const state = a.getState();
      const b = new StepLR(sgd(0.1), { stepSize: 3, gamma: 0.5 });
      expect(() => b.setState(state)).to.throw(RangeError, 'StepLR.setState: state.options.stepSize is 2 but this schedule has 3');
      // a schedule made over a restored optimizer (whose rate is the scheduled one) takes lr₀ from the state
      const c = new StepLR(sgd(0.05), { stepSize: 2, gamma: 0.5 });
      c.setState(state);
      expect([c.baseLr, c.lr, c.lastEpoch]).to.deep.equal([0.1, 0.05, 2]);
      const d = new ExponentialLR(sgd(0.1), { gamma: 0.5 });
      expect(() => d.setState(state)).to.throw(/^ExponentialLR\.setState: state\.name must be one of "exponential_lr", got "step_lr"/);
      const e = new StepLR(sgd(0.1), { stepSize: 2, gamma: 0.5 });
      expect(() => e.setState({ ...state, extra: 1 } as ScheduleState)).to.throw(/^StepLR\.setState: state has an unknown key "extra"/);
      expect(() => e.setState({ ...state, lastEpoch: -1 })).to.throw('StepLR.setState: state.lastEpoch must be ≥ 0, got -1');
      expect(() => e.setState({ ...state, lr: Number.NaN })).to.throw(/^StepLR\.setState: state\.lr must be a finite number, got NaN/);
      for (const s of [b, e]) {
        expect(s.lastEpoch).to.equal(0);
        expect(s.lr).to.equal(s.baseLr);
      }
    });
  });

  describe('bad options', () => {
    const opt = () => sgd(0.1);
    const cases: [string, () => unknown, RegExp | string][] = [
      ['StepLR stepSize 0', () => new StepLR(opt(), { stepSize: 0 }), 'StepLR: options.stepSize must be ≥ 1, got 0'],
      ['StepLR stepSize 1.5', () => new StepLR(opt(), { stepSize: 1.5 }), 'StepLR: options.stepSize must be an integer, got 1.5'],
      ['StepLR without stepSize', () => new StepLR(opt(), {} as never), 'StepLR: options.stepSize must be an integer, got undefined'],
      ['StepLR unknown key', () => new StepLR(opt(), { stepSize: 2, gama: 0.5 } as never), 'StepLR: options has an unknown key "gama"; the keys are "stepSize", "gamma"'],
      ['ExponentialLR gamma −0.1', () => new ExponentialLR(opt(), { gamma: -0.1 }), 'ExponentialLR: options.gamma must be in [0, Infinity], got -0.1'],
      ['ExponentialLR gamma NaN', () => new ExponentialLR(opt(), { gamma: Number.NaN }), /^ExponentialLR: options\.gamma must be a finite number, got NaN/],
      ['CosineAnnealingLR tMax 0', () => new CosineAnnealingLR(opt(), { tMax: 0 }), 'CosineAnnealingLR: options.tMax must be ≥ 1, got 0'],
      ['CosineAnnealingLR etaMin −1', () => new CosineAnnealingLR(opt(), { tMax: 3, etaMin: -1 }), 'CosineAnnealingLR: options.etaMin must be in [0, Infinity], got -1'],
      ['LinearLR startFactor 0', () => new LinearLR(opt(), { startFactor: 0 }), 'LinearLR: options.startFactor must be in (0, 1], got 0'],
      ['LinearLR startFactor 1.5', () => new LinearLR(opt(), { startFactor: 1.5 }), 'LinearLR: options.startFactor must be in [0, 1], got 1.5'],
      ['LinearLR endFactor 2', () => new LinearLR(opt(), { endFactor: 2 }), 'LinearLR: options.endFactor must be in [0, 1], got 2'],
      ['LinearLR totalIters 0', () => new LinearLR(opt(), { totalIters: 0 }), 'LinearLR: options.totalIters must be ≥ 1, got 0'],
      ['ReduceLROnPlateau mode', () => new ReduceLROnPlateau(opt(), { mode: 'mean' as never }), 'ReduceLROnPlateau: options.mode must be one of "min", "max", got "mean"'],
      ['ReduceLROnPlateau thresholdMode', () => new ReduceLROnPlateau(opt(), { thresholdMode: 'relative' as never }), 'ReduceLROnPlateau: options.thresholdMode must be one of "rel", "abs", got "relative"'],
      ['ReduceLROnPlateau patience −1', () => new ReduceLROnPlateau(opt(), { patience: -1 }), 'ReduceLROnPlateau: options.patience must be ≥ 0, got -1'],
      ['ReduceLROnPlateau factor 2', () => new ReduceLROnPlateau(opt(), { factor: 2 }), 'ReduceLROnPlateau: options.factor must be in [0, 1], got 2'],
      ['ReduceLROnPlateau unknown key (snake_case)', () => new ReduceLROnPlateau(opt(), { min_lr: 0.1 } as never), /^ReduceLROnPlateau: options has an unknown key "min_lr"/],
      ['options not an object', () => new StepLR(opt(), 3 as never), 'StepLR: options must be an object, got 3'],
      ['not an optimizer', () => new StepLR({} as Optimizer, { stepSize: 1 }), 'StepLR: optimizer must be an rnnkit optimizer, got an object'],
      ['createSchedule unknown name', () => createSchedule(opt(), { name: 'cosine' }), /^createSchedule: spec\.name must be one of "step_lr", "exponential_lr", "cosine_annealing_lr", "linear_lr", "reduce_lr_on_plateau", got "cosine"/],
      ['createSchedule camelCase key', () => createSchedule(opt(), { name: 'step_lr', stepSize: 2 }), /^createSchedule: spec has an unknown key "stepSize"; the keys are "name", "step_size", "gamma"/],
      ['createSchedule bad value', () => createSchedule(opt(), { name: 'cosine_annealing_lr', t_max: -2 }), 'CosineAnnealingLR: options.tMax must be ≥ 1, got -2'],
    ];
    for (const [label, make, message] of cases) {
      it(`${label}: refused`, () => {
        expect(make).to.throw(message as string);
      });
    }

    it('a refused schedule leaves the optimizer rate untouched', () => {
      const o = opt();
      expect(() => new LinearLR(o, { startFactor: 0.5, totalIters: 0 })).to.throw('LinearLR: options.totalIters must be ≥ 1, got 0');
      expect(o.lr).to.equal(0.1);
    });

    it('ReduceLROnPlateau.step needs a finite metric; the others take none', () => {
      const plateau = new ReduceLROnPlateau(opt(), { patience: 0 });
      expect(() => plateau.step()).to.throw('ReduceLROnPlateau.step: metric must be a finite number, got undefined');
      expect(() => plateau.step(Number.NaN)).to.throw(/^ReduceLROnPlateau\.step: metric must be a finite number, got NaN/);
      expect(plateau.lastEpoch).to.equal(0);
      const step = new StepLR(opt(), { stepSize: 1 });
      expect(() => step.step(0.5)).to.throw('StepLR.step: takes no metric (only ReduceLROnPlateau does), got 0.5');
      expect(step.lastEpoch).to.equal(0);
    });

    // PyTorch refuses factor ≥ 1 ("Factor should be < 1.0."): with factor 1 the rate would never fall
    it('ReduceLROnPlateau factor 1 is refused, as PyTorch refuses factor ≥ 1', () => {
      expect(() => new ReduceLROnPlateau(opt(), { factor: 1 })).to.throw(/^ReduceLROnPlateau: options\.factor must be/);
    });
  });

  describe('Trainer option `schedule`', () => {
    function setup(options: { schedule: ScheduleSpec; nonFinite?: 'throw' | 'skip' }, value = 1) {
      const p = param([value]);
      const model = { params: [p], zeroGrad: () => p.grad.fill(0) };
      const optimizer = createOptimizer(model.params, { name: 'sgd', lr: 0.1 });
      const trainer = new Trainer(model, { ...options, optimizer, schedule: createSchedule(optimizer, options.schedule) });
      return { p, trainer };
    }

    it('steps the schedule after each applied update: step k uses lr₀·γ^k', () => {
      const { p, trainer } = setup({ schedule: { name: 'exponential_lr', gamma: 0.5 } });
      const used: number[] = [];
      for (let k = 0; k < 4; k++) {
        const before = p.value[0];
        trainer.run(() => {
          p.grad[0] = 1;
          return 0;
        });
        used.push(before - p.value[0]); // lr·g with g = 1
      }
      used.forEach((lr, k) => expect(lr).to.be.closeTo(0.1 * 0.5 ** k, 1e-15));
      expect(trainer.schedule!.lastEpoch).to.equal(4);
    });

    it('does not step it after an update skipped for a non-finite loss or gradient', () => {
      const { p, trainer } = setup({ schedule: { name: 'step_lr', step_size: 1, gamma: 0.5 }, nonFinite: 'skip' });
      trainer.run(() => {
        p.grad[0] = 1;
        return 1;
      });
      expect(trainer.optimizer.lr).to.equal(0.05);
      const r1 = trainer.run(() => Number.NaN);
      expect(r1.skipped).to.equal(true);
      const r2 = trainer.run(() => {
        p.grad[0] = Number.POSITIVE_INFINITY;
        return 1;
      });
      expect(r2.skipped).to.equal(true);
      expect(trainer.schedule!.lastEpoch).to.equal(1);
      expect(trainer.optimizer.lr).to.equal(0.05);
      expect(trainer.steps).to.equal(3);
    });

    it('does not step it after an update undone because it overflowed the weights', () => {
      const { p, trainer } = setup({ schedule: { name: 'step_lr', step_size: 1, gamma: 0.5 }, nonFinite: 'skip' }, 1.79e308);
      const r = trainer.run(() => {
        p.grad[0] = -1e308; // θ − 0.1·g = 1.89e308 overflows
        return 1;
      });
      expect(r.skipped).to.equal(true);
      expect(p.value[0]).to.equal(1.79e308);
      expect(trainer.schedule!.lastEpoch).to.equal(0);
      expect(trainer.optimizer.lr).to.equal(0.1);
    });

    it('does not step it when the step throws (nonFinite: throw)', () => {
      const { trainer } = setup({ schedule: { name: 'exponential_lr', gamma: 0.5 } });
      expect(() => trainer.run(() => Number.POSITIVE_INFINITY)).to.throw(NonFiniteError);
      expect(trainer.schedule!.lastEpoch).to.equal(0);
      expect(trainer.optimizer.lr).to.equal(0.1);
    });

    it('leaves ReduceLROnPlateau to the caller', () => {
      const { p, trainer } = setup({ schedule: { name: 'reduce_lr_on_plateau', patience: 0 } });
      for (let k = 0; k < 3; k++) {
        trainer.run(() => {
          p.grad[0] = 1;
          return 1;
        });
      }
      expect(trainer.schedule!.lastEpoch).to.equal(0);
      trainer.schedule!.step(1);
      trainer.schedule!.step(1);
      expect(trainer.optimizer.lr).to.be.closeTo(0.01, 1e-15);
    });

    it('accepts a Schedule over its own optimizer and refuses one over another', () => {
      const p = param([1]);
      const model = { params: [p], zeroGrad: () => p.grad.fill(0) };
      const own = new SGD(model.params, { lr: 0.1 });
      const schedule = new StepLR(own, { stepSize: 1 });
      expect(new Trainer(model, { optimizer: own, schedule }).schedule).to.equal(schedule);
      expect(() => new Trainer(model, { optimizer: createOptimizer(model.params, { name: 'sgd', lr: 0.1 }), schedule }))
        .to.throw(TypeError, "Trainer: the schedule must have been created over the trainer's optimizer");
      // specs are createSchedule's: the trainer takes schedule objects only
      expect(() => new Trainer(model, { optimizer: own, schedule: { name: 'step_lr', step_size: 1 } as never }))
        .to.throw(TypeError, "Trainer: schedule must be a schedule over the trainer's optimizer (createSchedule(optimizer, spec) makes one from a spec), got an object");
      expect(() => createSchedule(own, { name: 'step_lr', step_size: 0 })).to.throw('StepLR: options.stepSize must be ≥ 1, got 0');
    });
  });
});
