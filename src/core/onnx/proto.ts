/**
 * The ONNX message types this project writes, declared for protobufjs from onnx.proto3's field
 * numbers (onnx/onnx.proto, IR version 8; only the fields the exporters set). protobufjs does the
 * wire encoding; nothing here writes bytes by hand. onnx-proto (the npm package of generated
 * classes) was the alternative, but its last release pins protobufjs 6 and is unmaintained.
 *
 * Field names keep onnx.proto's snake_case, so a message object reads like the .proto.
 */
import protobuf from 'protobufjs/light.js';

const rep = (type: string, id: number) => ({ type, id, rule: 'repeated' as const });

const DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 }, f: { type: 'float', id: 2 }, i: { type: 'int64', id: 3 }, s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 }, g: { type: 'GraphProto', id: 6 }, floats: rep('float', 7), ints: rep('int64', 8),
            strings: rep('bytes', 9), tensors: rep('TensorProto', 10), doc_string: { type: 'string', id: 13 }, type: { type: 'int32', id: 20 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 }, doc_string: { type: 'string', id: 3 } } },
        NodeProto: {
          fields: {
            input: rep('string', 1), output: rep('string', 2), name: { type: 'string', id: 3 }, op_type: { type: 'string', id: 4 },
            attribute: rep('AttributeProto', 5), doc_string: { type: 'string', id: 6 }, domain: { type: 'string', id: 7 },
          },
        },
        ModelProto: {
          fields: {
            ir_version: { type: 'int64', id: 1 }, producer_name: { type: 'string', id: 2 }, producer_version: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 }, model_version: { type: 'int64', id: 5 }, doc_string: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 }, opset_import: rep('OperatorSetIdProto', 8), metadata_props: rep('StringStringEntryProto', 14),
          },
        },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        GraphProto: {
          fields: {
            node: rep('NodeProto', 1), name: { type: 'string', id: 2 }, initializer: rep('TensorProto', 5), doc_string: { type: 'string', id: 10 },
            input: rep('ValueInfoProto', 11), output: rep('ValueInfoProto', 12), value_info: rep('ValueInfoProto', 13),
          },
        },
        TensorProto: {
          fields: {
            dims: rep('int64', 1), data_type: { type: 'int32', id: 2 }, float_data: rep('float', 4), int32_data: rep('int32', 5),
            string_data: rep('bytes', 6), int64_data: rep('int64', 7), name: { type: 'string', id: 8 }, raw_data: { type: 'bytes', id: 9 },
            double_data: rep('double', 10), doc_string: { type: 'string', id: 12 },
          },
        },
        TensorShapeProto: {
          fields: { dim: rep('Dimension', 1) },
          nested: { Dimension: { oneofs: { value: { oneof: ['dim_value', 'dim_param'] } }, fields: { dim_value: { type: 'int64', id: 1 }, dim_param: { type: 'string', id: 2 }, denotation: { type: 'string', id: 3 } } } },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensor_type'] } },
          fields: { tensor_type: { type: 'Tensor', id: 1 }, denotation: { type: 'string', id: 6 } },
          nested: { Tensor: { fields: { elem_type: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } } },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
      },
    },
  },
};

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

let root: protobuf.Root | null = null;

/** onnx.ModelProto as protobufjs builds it from the descriptor above. */
export function modelProtoType(): protobuf.Type {
  root ??= protobuf.Root.fromJSON(DESCRIPTOR);
  return root.lookupType('onnx.ModelProto');
}

/** Encode a ModelProto object (snake_case fields as in onnx.proto) to bytes, after protobufjs' own check. */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const T = modelProtoType();
  const err = T.verify(model);
  if (err) throw new Error(`ONNX export built an invalid ModelProto: ${err}`);
  return T.encode(T.fromObject(model)).finish();
}

/** Decode ONNX bytes (tests, and reading metadata back). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  const T = modelProtoType();
  return T.toObject(T.decode(bytes), { longs: Number, bytes: Array, defaults: false }) as Record<string, unknown>;
}
