/**
 * AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization") with the
 * learning-rate schedule and gradient clipping BERT is trained with.
 *
 * Weight decay is applied to the weights directly, not added to the gradient, so
 * Adam's per-parameter scaling does not weaken it. As in BERT, LayerNorm parameters
 * and biases are not decayed: shrinking a LayerNorm gain or a bias towards 0 is not
 * a useful prior. The update matches torch.optim.AdamW (with bias correction).
 */
import * as tf from "@tensorflow/tfjs";

export interface NamedVariable {
  /** The parameter's name (HF style, e.g. "encoder.layer.0.attention.output.LayerNorm.weight"). */
  name: string;
  variable: tf.Variable;
}

/** Learning rate as a function of the 0-based step about to be taken. */
export type LearningRateSchedule = (step: number) => number;

/**
 * Linear warmup from 0 to `peak` over `warmupSteps`, then linear decay to 0 at `totalSteps`
 * (BERT's schedule; warmup keeps Adam's early, noisy second-moment estimates from taking big steps).
 */
export function linearWarmupDecay(peak: number, warmupSteps: number, totalSteps: number): LearningRateSchedule {
  if (!(peak > 0)) throw new Error(`linearWarmupDecay: peak learning rate must be > 0, got ${peak}`);
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new Error(`linearWarmupDecay: totalSteps must be a positive integer, got ${totalSteps}`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps > totalSteps) {
    throw new Error(`linearWarmupDecay: warmupSteps must be an integer in [0, totalSteps=${totalSteps}], got ${warmupSteps}`);
  }
  return (step) => {
    if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
    return Math.max(0, (peak * (totalSteps - step)) / Math.max(1, totalSteps - warmupSteps));
  };
}

/** BERT's exclusions from weight decay: LayerNorm parameters and biases. */
export function excludedFromWeightDecay(name: string): boolean {
  return /(^|[._])(LayerNorm|layer_norm|layernorm|ln)([._]|$)/i.test(name) || /(^|[._])(bias|beta|gamma)$/.test(name);
}

export interface AdamWOptions {
  /** A fixed learning rate or a schedule. */
  learningRate: number | LearningRateSchedule;
  beta1?: number;
  beta2?: number;
  /** BERT uses 1e-6 (torch's default is 1e-8). */
  epsilon?: number;
  /** Decoupled weight decay coefficient (default 0.01, as in BERT). */
  weightDecay?: number;
  /** Names that get no weight decay (default: LayerNorm and biases). */
  noDecay?: (name: string) => boolean;
  /** Clip gradients to this global L2 norm before the update (default 1.0; Infinity disables). */
  maxGradNorm?: number;
  /**
   * Per-parameter factor on the learning rate (default 1 for all). Fine-tuning uses it to let a
   * freshly initialised head move faster than the pretrained encoder under it.
   */
  learningRateScale?: (name: string) => number;
}

export interface AdamWStepResult {
  /** Learning rate used for this step. */
  learningRate: number;
  /** Global L2 norm of the gradients before clipping. */
  gradNorm: number;
}

interface Slot {
  name: string;
  variable: tf.Variable;
  decay: boolean;
  lrScale: number;
  m: tf.Tensor;
  v: tf.Tensor;
}

/** What `AdamW.exportState` returns and `importState` takes. */
export interface AdamWState {
  stepCount: number;
  moments: { name: string; shape: number[]; data: Float32Array }[];
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly maxGradNorm: number;
  /** Number of updates taken so far. */
  stepCount = 0;
  private readonly schedule: LearningRateSchedule;
  private readonly slots: Slot[];
  private readonly byVariableName = new Map<string, Slot>();

  constructor(params: readonly NamedVariable[] | ReadonlyMap<string, tf.Variable>, options: AdamWOptions) {
    const list: NamedVariable[] = params instanceof Map ? [...params].map(([name, variable]) => ({ name, variable })) : [...(params as readonly NamedVariable[])];
    if (list.length === 0) throw new Error("AdamW: no parameters to optimize");
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-6;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.maxGradNorm = options.maxGradNorm ?? 1.0;
    for (const [key, value] of Object.entries({ beta1: this.beta1, beta2: this.beta2 })) {
      if (!(value >= 0 && value < 1)) throw new Error(`AdamW: ${key} must be in [0, 1), got ${value}`);
    }
    if (!(this.maxGradNorm > 0)) throw new Error(`AdamW: maxGradNorm must be > 0, got ${this.maxGradNorm}`);
    const lr = options.learningRate;
    this.schedule = typeof lr === "number" ? () => lr : lr;
    const noDecay = options.noDecay ?? excludedFromWeightDecay;
    const scaleOf = options.learningRateScale ?? (() => 1);
    this.slots = list.map(({ name, variable }) => ({
      name,
      variable,
      decay: !noDecay(name),
      lrScale: checkScale(name, scaleOf(name)),
      m: tf.keep(tf.zerosLike(variable)),
      v: tf.keep(tf.zerosLike(variable)),
    }));
    for (const slot of this.slots) {
      if (this.byVariableName.has(slot.variable.name)) throw new Error(`AdamW: parameter "${slot.name}" is listed twice`);
      this.byVariableName.set(slot.variable.name, slot);
    }
  }

  /** The variables being optimized, in order (pass them to tf.variableGrads). */
  get variables(): tf.Variable[] {
    return this.slots.map((s) => s.variable);
  }

  /** The parameter names that are decayed / not decayed, for inspection in lessons. */
  decayGroups(): { decay: string[]; noDecay: string[] } {
    return { decay: this.slots.filter((s) => s.decay).map((s) => s.name), noDecay: this.slots.filter((s) => !s.decay).map((s) => s.name) };
  }

  /**
   * Applies one update. `grads` is keyed by tf.Variable name, as tf.variableGrads returns
   * it; parameters without a gradient are left alone. The caller disposes `grads`.
   */
  step(grads: tf.NamedTensorMap): AdamWStepResult {
    for (const key of Object.keys(grads)) {
      const slot = this.byVariableName.get(key);
      if (!slot) throw new Error(`AdamW.step: gradient for unknown variable "${key}"`);
      if (!tf.util.arraysEqual(grads[key].shape, slot.variable.shape)) {
        throw new Error(`AdamW.step: gradient for "${slot.name}" has shape [${grads[key].shape}] but the parameter has [${slot.variable.shape}]`);
      }
    }
    const learningRate = this.schedule(this.stepCount);
    this.stepCount += 1;
    const t = this.stepCount;
    const active = this.slots.filter((s) => grads[s.variable.name] !== undefined);

    const gradNormTensor = globalNorm(active.map((s) => grads[s.variable.name]));
    const gradNorm = gradNormTensor.dataSync()[0];
    gradNormTensor.dispose();
    if (!Number.isFinite(gradNorm)) throw new Error(`AdamW.step: the gradient norm is ${gradNorm} at step ${t}; the loss diverged (lower the learning rate)`);
    const clip = Number.isFinite(this.maxGradNorm) && gradNorm > this.maxGradNorm ? this.maxGradNorm / (gradNorm + 1e-6) : 1;

    const biasCorrection1 = 1 - Math.pow(this.beta1, t);
    const biasCorrection2 = 1 - Math.pow(this.beta2, t);
    for (const slot of active) {
      const lr = learningRate * slot.lrScale;
      const stepSize = lr / biasCorrection1;
      const [m, v] = tf.tidy(() => {
        const g = clip === 1 ? grads[slot.variable.name] : tf.mul(grads[slot.variable.name], clip);
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(biasCorrection2)), this.epsilon);
        let p: tf.Tensor = slot.variable;
        if (slot.decay && this.weightDecay !== 0) p = tf.mul(p, 1 - lr * this.weightDecay);
        slot.variable.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
        return [m, v];
      });
      slot.m.dispose();
      slot.v.dispose();
      slot.m = m;
      slot.v = v;
    }
    return { learningRate, gradNorm };
  }

  /**
   * The optimizer's state: the step count (which also places the learning-rate schedule) and
   * both moment estimates per parameter, named "<param>.exp_avg" / ".exp_avg_sq" as PyTorch's
   * AdamW state_dict names them. With the weights, this is all a resumed run needs.
   */
  async exportState(): Promise<AdamWState> {
    const moments: AdamWState["moments"] = [];
    for (const slot of this.slots) {
      moments.push({ name: `${slot.name}.exp_avg`, shape: slot.m.shape, data: (await slot.m.data()) as Float32Array });
      moments.push({ name: `${slot.name}.exp_avg_sq`, shape: slot.v.shape, data: (await slot.v.data()) as Float32Array });
    }
    return { stepCount: this.stepCount, moments };
  }

  /** Restores a state from `exportState`; every parameter's moments must be present with its shape. */
  importState(state: AdamWState): void {
    const byName = new Map(state.moments.map((t) => [t.name, t]));
    const loaded = this.slots.map((slot) => {
      const pick = (suffix: string): tf.Tensor => {
        const t = byName.get(`${slot.name}.${suffix}`);
        if (!t) throw new Error(`AdamW.importState: the saved state has no "${slot.name}.${suffix}" (was it saved for another model?)`);
        if (!tf.util.arraysEqual(t.shape, slot.variable.shape)) {
          throw new Error(`AdamW.importState: "${slot.name}.${suffix}" has shape [${t.shape}] but the parameter has [${slot.variable.shape}]`);
        }
        return tf.keep(tf.tensor(t.data, t.shape, "float32"));
      };
      return { slot, m: pick("exp_avg"), v: pick("exp_avg_sq") };
    });
    if (!(Number.isInteger(state.stepCount) && state.stepCount >= 0)) throw new Error(`AdamW.importState: stepCount must be a non-negative integer, got ${state.stepCount}`);
    for (const { slot, m, v } of loaded) {
      slot.m.dispose();
      slot.v.dispose();
      slot.m = m;
      slot.v = v;
    }
    this.stepCount = state.stepCount;
  }

  /** Frees the moment estimates. */
  dispose(): void {
    for (const slot of this.slots) {
      slot.m.dispose();
      slot.v.dispose();
    }
  }
}

function checkScale(name: string, scale: number): number {
  if (!(scale >= 0) || !Number.isFinite(scale)) throw new Error(`AdamW: learningRateScale("${name}") must be a finite number >= 0, got ${scale}`);
  return scale;
}

/** The L2 norm of all gradients taken together (the quantity gradient clipping bounds). */
export function globalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    if (tensors.length === 0) return tf.scalar(0);
    return tf.sqrt(tf.addN(tensors.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
  });
}

/** Scales tensors so their global norm is at most maxNorm; returns the scaled copies and the norm before. */
export function clipByGlobalNorm(tensors: readonly tf.Tensor[], maxNorm: number): { clipped: tf.Tensor[]; norm: number } {
  const normTensor = globalNorm(tensors);
  const norm = normTensor.dataSync()[0];
  normTensor.dispose();
  const scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
  return { clipped: tensors.map((g) => tf.mul(g, scale)), norm };
}
