/**
 * A small ONNX graph builder over the protobuf types in proto.ts: named initializers, nodes with
 * typed attributes, opset imports (the default domain and ai.onnx.ml), metadata_props. Each
 * exporter builds one graph with it; `finish` adds the contract's outputs.
 *
 * The graph contract (issue 24, as sklearn-onnx's): one input `X` [N, features] of the chosen
 * dtype (float32 or float64), feature columns in the model's order; outputs `score` [N] (higher =
 * more anomalous, the input's dtype), `is_anomaly` [N] int64 (score > threshold) and, where
 * scikit-learn defines it, `decision_function` [N]; metadata `columns`, `threshold`, `detector`,
 * `params`.
 */
import { AttributeType, DataType, encodeModel } from './proto.js';
import { float32Below } from './float32.js';

/** The default domain's opset and ai.onnx.ml's that the graphs use (onnx 1.12's checker knows both). */
export const ONNX_OPSET = 17;
export const ONNX_ML_OPSET = 3;
/** IR version 8: ONNX 1.10 – 1.12 write it; ONNX Runtime reads it. */
export const ONNX_IR_VERSION = 8;

export type OnnxDtype = 'float32' | 'float64';
/** A tensor's element type: the graph's own ('T'), or a fixed one. */
export type Elem = 'T' | 'float32' | 'float64' | 'int64';

/** An attribute value, tagged with its ONNX type. */
export type Attr =
  | { f: number }
  | { i: number }
  | { s: string }
  | { floats: ArrayLike<number> }
  | { ints: ArrayLike<number> }
  | { strings: string[] }
  | { t: { dims: number[]; type: Exclude<Elem, 'T'>; values: ArrayLike<number> } };

/** A refusal with a message for the user: the model cannot be exported (no ONNX form, too large). */
export class OnnxExportError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxExportError';
  }
}

const utf8 = new TextEncoder();

function dataType(e: Exclude<Elem, 'T'>): number {
  return e === 'float32' ? DataType.FLOAT : e === 'float64' ? DataType.DOUBLE : DataType.INT64;
}

/** Little-endian raw bytes of values in an element type. */
function rawBytes(values: ArrayLike<number>, e: Exclude<Elem, 'T'>): Uint8Array {
  const n = values.length;
  if (e === 'float32') return new Uint8Array(Float32Array.from(values).buffer);
  if (e === 'float64') return new Uint8Array(Float64Array.from(values).buffer);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt(values[i]);
  return new Uint8Array(out.buffer);
}

function tensorProto(name: string, dims: number[], e: Exclude<Elem, 'T'>, values: ArrayLike<number>) {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== values.length) throw new Error(`ONNX initializer ${name}: ${values.length} values for shape [${dims.join(', ')}]`);
  return { name, dims, data_type: dataType(e), raw_data: rawBytes(values, e) };
}

function attribute(name: string, a: Attr) {
  if ('f' in a) return { name, type: AttributeType.FLOAT, f: a.f };
  if ('i' in a) return { name, type: AttributeType.INT, i: a.i };
  if ('s' in a) return { name, type: AttributeType.STRING, s: utf8.encode(a.s) };
  if ('floats' in a) return { name, type: AttributeType.FLOATS, floats: Array.from(a.floats) };
  if ('ints' in a) return { name, type: AttributeType.INTS, ints: Array.from(a.ints) };
  if ('strings' in a) return { name, type: AttributeType.STRINGS, strings: a.strings.map((x) => utf8.encode(x)) };
  return { name, type: AttributeType.TENSOR, t: tensorProto('', a.t.dims, a.t.type, a.t.values) };
}

export class GraphBuilder {
  private readonly nodes: unknown[] = [];
  private readonly inits: unknown[] = [];
  private readonly used = new Set<string>(['X']);
  private usesMl = false;

  /** `dtype` is X's and the outputs' element type ('T' in init / constant). */
  constructor(readonly dtype: OnnxDtype, readonly features: number) {}

  /** A fresh tensor name from a prefix. */
  name(prefix: string): string {
    let n = prefix;
    for (let i = 1; this.used.has(n); i++) n = `${prefix}_${i}`;
    this.used.add(n);
    return n;
  }

  private elem(e: Elem): Exclude<Elem, 'T'> {
    return e === 'T' ? this.dtype : e;
  }

  /** An initializer (a named constant tensor); returns its name. */
  init(prefix: string, values: ArrayLike<number>, dims: number[], e: Elem = 'T'): string {
    const name = this.name(prefix);
    this.inits.push(tensorProto(name, dims, this.elem(e), values));
    return name;
  }

  /** A scalar (or 1-D when `values` has several) constant. */
  scalar(prefix: string, value: number, e: Elem = 'T'): string {
    return this.init(prefix, [value], [], e);
  }

  /** One node; returns its single output's name (see `opN` for several). */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, domain = ''): string {
    return this.opN(opType, inputs, 1, attrs, domain)[0];
  }

  opN(opType: string, inputs: string[], outputs: number, attrs: Record<string, Attr> = {}, domain = ''): string[] {
    if (domain === 'ai.onnx.ml') this.usesMl = true;
    const outs = Array.from({ length: outputs }, () => this.name(opType.toLowerCase()));
    this.nodes.push({
      op_type: opType, domain, input: inputs, output: outs, name: this.name(`${opType}_node`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** Cast to an element type (no node when it already is one, e.g. T = float64 to float64). */
  cast(x: string, to: Exclude<Elem, 'T'>, from: Exclude<Elem, 'T'> | 'bool'): string {
    return to === from ? x : this.op('Cast', [x], { to: { i: dataType(to) } });
  }

  /** Rename a tensor to an output name (an Identity node). */
  output(x: string, name: string): void {
    this.used.add(name);
    this.nodes.push({ op_type: 'Identity', domain: '', input: [x], output: [name], name: this.name('Identity_node') });
  }

  /**
   * The contract's outputs from a score tensor of shape [N] in T: `score`, `is_anomaly` (int64,
   * score > threshold) and `decision_function` = decisionOffset − score when given.
   */
  finish(score: string, threshold: number, decisionOffset: number | undefined): void {
    this.output(score, 'score');
    // float32: the largest float32 ≤ the threshold, so that score > it exactly when the float32 score
    // exceeds the double threshold (the One-class SVM's −5e-324 would round to −0 and drop scores of 0).
    const flagged = this.op('Greater', [score, this.scalar('threshold', this.dtype === 'float32' ? float32Below(threshold) : threshold)]);
    this.output(this.op('Cast', [flagged], { to: { i: DataType.INT64 } }), 'is_anomaly');
    if (decisionOffset !== undefined) this.output(this.op('Sub', [this.scalar('decision_offset', decisionOffset), score]), 'decision_function');
  }

  /** The ModelProto's bytes, with the contract's input and outputs declared and metadata attached. */
  encode(meta: Record<string, string>, hasDecision: boolean, docString: string): Uint8Array {
    const t = dataType(this.dtype);
    const tensor = (name: string, elem: number, dims: ({ dim_param: string } | { dim_value: number })[]) => ({ name, type: { tensor_type: { elem_type: elem, shape: { dim: dims } } } });
    const N = { dim_param: 'N' };
    const outputs = [tensor('score', t, [N]), tensor('is_anomaly', DataType.INT64, [N])];
    if (hasDecision) outputs.push(tensor('decision_function', t, [N]));
    const opsets = [{ domain: '', version: ONNX_OPSET }];
    if (this.usesMl) opsets.push({ domain: 'ai.onnx.ml', version: ONNX_ML_OPSET });
    return encodeModel({
      ir_version: ONNX_IR_VERSION,
      producer_name: 'anomaly-lab',
      producer_version: '0.1.0',
      doc_string: docString,
      opset_import: opsets,
      metadata_props: Object.entries(meta).map(([key, value]) => ({ key, value })),
      graph: {
        name: 'anomaly_lab',
        node: this.nodes,
        initializer: this.inits,
        input: [tensor('X', t, [N, { dim_value: this.features }])],
        output: outputs,
      },
    });
  }
}
