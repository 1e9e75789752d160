// Networks the benchmarks generate (one definition, so every bench measures the same file).

/** A flat network of `n` layers: conv/batchnorm/relu triples, channels cycling, stride 1. */
export function flatNetwork(n) {
  const lines = ['name: flat-2000', 'input: [3, 64, 64]', 'layers:'];
  for (let i = 0; lines.length - 3 < n; i++) {
    lines.push(`  - conv: {out: ${16 + (i % 4) * 16}, kernel: 3, padding: 1, bias: false}`);
    if (lines.length - 3 < n) lines.push('  - batchnorm');
    if (lines.length - 3 < n) lines.push('  - relu');
  }
  return lines.join('\n') + '\n';
}

/**
 * A large Python file as people keep them: one nn.Module model (the hand-written ResNet-50 of
 * test/fixtures/pytorch/models/resnet_blocks.py, given as `model`) followed by `lines` lines of
 * other code: data helpers, metrics, a training loop, module-level constants and an
 * `if __name__ == '__main__':` block (none of it creates modules).
 */
export function bigPythonModule(model, lines = 5000) {
  const out = model.trimEnd().split('\n');
  out.push('', '', 'import math', 'import os', 'import random', '');
  for (let i = 0; out.length < lines - 12; i++) {
    out.push(
      '',
      `LEARNING_RATES_${i} = [0.1 * 0.5 ** k for k in range(${(i % 7) + 3})]`,
      `CLASS_NAMES_${i} = {"a": ${i}, "b": ${i + 1}, "c": ${i + 2}}`,
      '',
      `def load_batch_${i}(root, index, size=32):`,
      `    """Reads batch ${i} of the dataset at root (helper ${i})."""`,
      '    path = os.path.join(root, f"batch_{index:05d}.bin")',
      '    items = []',
      '    for k in range(size):',
      '        if k % 3 == 0:',
      '            items.append((path, k, random.random()))',
      '        elif k % 3 == 1:',
      '            items.append((path, k, math.sqrt(k + 1)))',
      '        else:',
      `            items.append((path, k, ${i} * k / (size + 1)))`,
      '    return items',
      '',
      `def train_epoch_${i}(model, loader, optimizer, device="cpu"):`,
      '    model.train()',
      '    total, correct, seen = 0.0, 0, 0',
      '    for images, labels in loader:',
      '        images, labels = images.to(device), labels.to(device)',
      '        optimizer.zero_grad()',
      '        logits = model(images)',
      '        loss = torch.nn.functional.cross_entropy(logits, labels)',
      '        loss.backward()',
      '        optimizer.step()',
      '        total += loss.item() * images.size(0)',
      '        correct += (logits.argmax(1) == labels).sum().item()',
      '        seen += images.size(0)',
      `    return {"loss": total / max(seen, 1), "acc": correct / max(seen, 1), "epoch": ${i}}`,
    );
  }
  out.push(
    '',
    '',
    "if __name__ == '__main__':",
    '    model = ResNet()',
    '    x = torch.randn(2, 3, 224, 224)',
    '    print(model(x).shape)',
    '    for epoch in range(10):',
    '        stats = train_epoch_0(model, [], None)',
    '        print(epoch, stats)',
  );
  return out.join('\n') + '\n';
}
