/**
 * The writer of the first checkpoint format, "rnnkit-checkpoint/1", kept as it was so tests
 * can prove that loadCheckpoint still reads such files: the same tensors and metadata as
 * format 2, except that the optimizer's buffers travel as base64 little-endian bytes inside
 * the rnnkit.optimizer JSON ({dtype: "F32"|"F64", data}) instead of as tensors.
 */
import { type CheckpointInput, encodeSafetensors, encodeStateJSON, stateDictOf } from '../../lib/index.js';
import { encodeBase64 } from '../../lib/serialization/base64.js';
import { writeLittleEndian } from '../../lib/serialization/safetensors.js';

export function saveCheckpointV1(input: CheckpointInput, format: 'safetensors'): Uint8Array;
export function saveCheckpointV1(input: CheckpointInput, format: 'json'): string;
export function saveCheckpointV1(input: CheckpointInput, format: 'safetensors' | 'json'): Uint8Array | string {
  const metadata: Record<string, string> = {
    'rnnkit.format': 'rnnkit-checkpoint/1',
    'rnnkit.model': JSON.stringify(input.model.options),
    'rnnkit.step': String(input.step ?? 0),
    'rnnkit.extra': JSON.stringify(input.extra ?? {}),
  };
  if (input.optimizer) {
    const { optimizer, hyperParameters, step, buffers } = input.optimizer.getState();
    const encoded = Object.fromEntries(Object.entries(buffers).map(([param, named]) => [param, Object.fromEntries(Object.entries(named).map(([name, data]) => {
      const bytes = new Uint8Array(data.byteLength);
      writeLittleEndian(bytes, 0, data);
      return [name, { dtype: data instanceof Float64Array ? 'F64' : 'F32', data: encodeBase64(bytes) }];
    }))]));
    metadata['rnnkit.optimizer'] = JSON.stringify({ optimizer, hyperParameters, step, buffers: encoded });
  }
  const tensors = stateDictOf(input.model.params);
  return format === 'json' ? encodeStateJSON(tensors, metadata) : encodeSafetensors(tensors, metadata);
}
