#!/usr/bin/env python3
"""The PyTorch side of the round trip (docs/pytorch.md). Needs PyTorch (Debian: python3-torch).

    python3 scripts/pytorch-check.py DIR

1. Reads DIR/rnnkit.safetensors (an rnnkit checkpoint), builds the PyTorch model its
   `rnnkit.model` metadata describes (nn.Embedding -> nn.LSTM/GRU/RNN -> nn.Linear), loads the
   model's tensors with load_state_dict(strict=True) (the optimizer's `optimizer.state.*`
   tensors are not the module's), runs DIR/rnnkit-check.json's input and compares the logits.
2. Writes DIR/torch.safetensors (the module's own state_dict, PyTorch's names) and
   DIR/torch-check.json (a new input and PyTorch's logits) for rnnkit to load.
Exits 1 when the logits differ by more than 1e-5 (relative to their largest magnitude).
"""
import json, struct, sys
import torch
from torch import nn

DTYPES = {'F32': torch.float32, 'F64': torch.float64}


def read_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', {})
    data = raw[8 + n:]
    tensors = {}
    for name, t in header.items():
        start, end = t['data_offsets']
        tensors[name] = torch.frombuffer(bytearray(data[start:end]), dtype=DTYPES[t['dtype']]).reshape(t['shape']).clone()
    return tensors, meta


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        b = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


class Model(nn.Module):
    """rnnkit's SequenceModel (many_to_many) as a PyTorch module: embedding -> rnn -> head."""

    def __init__(self, o):
        super().__init__()
        e = o.get('embedding')
        self.embedding = nn.Embedding(e['numEmbeddings'], e['embeddingDim'], padding_idx=e['paddingIdx']) if e else None
        mode = o['mode']
        kind = {'lstm': nn.LSTM, 'gru': nn.GRU}.get(mode, nn.RNN)
        extra = {} if mode in ('lstm', 'gru') else {'nonlinearity': mode[4:]}
        self.rnn = kind(o['inputSize'], o['hiddenSize'], o['numLayers'], bias=o['bias'], bidirectional=o['bidirectional'], **extra)
        D = 2 if o['bidirectional'] else 1
        self.head = nn.Linear(D * o['hiddenSize'], o['outputSize'], bias=o.get('headBias', o['bias']))

    def forward(self, x):
        if self.embedding is not None:
            x = self.embedding(x)
        out, _ = self.rnn(x)
        return self.head(out)


def rel_error(a, b):
    return (a - b).abs().max().item() / max(b.abs().max().item(), 1e-3)


def main(folder):
    tensors, meta = read_safetensors(f'{folder}/rnnkit.safetensors')
    options = json.loads(meta['rnnkit.model'])
    model = Model(options).double()
    # rnnkit names the stack's tensors as a bare nn.LSTM does; this module keeps it under `rnn.`
    own = {(k if k.startswith(('embedding.', 'head.')) else 'rnn.' + k): v.double()
           for k, v in tensors.items() if not k.startswith('optimizer.')}
    model.load_state_dict(own, strict=True)
    check = json.load(open(f'{folder}/rnnkit-check.json'))
    x = torch.tensor(check['x']).reshape(check['shape'])
    with torch.no_grad():
        err = rel_error(model(x).flatten(), torch.tensor(check['logits'], dtype=torch.float64))
    print(f'PyTorch {torch.__version__} loaded {len(own)} tensors with load_state_dict(strict=True) '
          f'(skipped {len(tensors) - len(own)} optimizer tensors); logits max relative error {err:.2e}')

    torch.manual_seed(3)
    x2 = torch.randint(0, options['embedding']['numEmbeddings'], tuple(check['shape']))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * torch.randn_like(p))   # other weights than rnnkit's, so the import is a real test
        if model.embedding.padding_idx is not None:
            model.embedding.weight[model.embedding.padding_idx].zero_()
        logits = model(x2).flatten().tolist()
    write_safetensors(f'{folder}/torch.safetensors', model.state_dict())
    json.dump({'x': x2.flatten().tolist(), 'shape': check['shape'], 'logits': logits}, open(f'{folder}/torch-check.json', 'w'))
    print(f'wrote {folder}/torch.safetensors ({len(model.state_dict())} tensors, PyTorch names) and torch-check.json')
    return 0 if err <= 1e-5 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else 'pytorch-roundtrip'))
