// What `convlens --help` and `convlens <command> --help` print, and the version.
import { MODEL_HELP } from './modelOptions';

export const VERSION = '0.1.0';

const EXIT_CODES = `Exit codes:
  0  no finding of severity error (warnings and notes may have been printed)
  1  a network has errors (findings of severity error)
  2  a file could not be read or is not a network (reported as CL012, after every other
     file's findings), a usage error, or \`run\` could not run the network`;

const FILES = `FILE may be - for standard input (an ONNX model there is known by its bytes).`;

export const GENERAL_HELP = `convlens ${VERSION} — shapes, receptive fields, parameters and MACs of convolutional networks

Usage:
  convlens summary FILE [--json] [--expand] [--weights W]
                                                 every layer's (or YOLO row's) figures, the totals
  convlens check PATH... [--format text|json|sarif]
                                                 diagnostics of one or more files
  convlens run FILE --out DIR [--input SAMPLE|X.npy] [--weights W] [--seed N]
                                                 run the network, one .npy per layer
  convlens COMMAND --help                        a command's options
  convlens --version

${FILES} A PATH may also be a folder or a quoted pattern
('models/**/*.cnn.yaml').

${EXIT_CODES}`;

export const COMMAND_HELP: Record<string, string> = {
  summary: `Usage: convlens summary FILE [--json] [--expand] [--weights W]

Prints a table of every layer (name, kind, output shape, parameters, MACs, receptive field) and
the network's totals, then its findings as file:line:col severity code message. Ultralytics and
darknet files get one line per row or section instead, as those tools print their models
(Ultralytics: from, n, params, module, arguments; darknet: filters size/strd(dil), BFLOPs), with
the output shape and receptive field; their own totals are printed beside ConvLens's.
A network with errors still gets the figures of the layers that could be analysed.

  --expand          Ultralytics and darknet: every layer the rows expand into
  --json            one JSON object instead: name, input, layers, rows (Ultralytics and
                    darknet; null otherwise), outputs, totals, native, diagnostics (and
                    weights, with --weights)
  --weights W       a trained weights file (.pt / .pth written by torch.save, Darknet .weights):
                    says whether it fits the network (tensors matched, missing, unexpected, of
                    the wrong shape; float16 converted); exit 1 when it does not
${MODEL_HELP}

${FILES}

${EXIT_CODES}`,
  check: `Usage: convlens check PATH... [--format text|json|sarif]

Checks every network and prints its findings. A PATH is a file, - for standard input, a folder
(walked for network files: *.cnn.yaml, Ultralytics model YAML, darknet .cfg, ONNX .onnx; node_modules and
folders whose name starts with a dot are skipped) or a pattern with *, ? and ** (quote it so
that the shell leaves it alone). A file that cannot be read or is not a network is a CL012
finding on its line 1; every other file is still reported.

  --format text    file:line:col severity code message, then the counts by severity (the
                   default); hints, notes the editor shows as faint dots, are counted only
  --hints          text: print the hints too (json and sarif always hold every finding)
  --format json    an array of {file, line, column, endLine, endColumn, severity, code, message}
  --format sarif   SARIF 2.1.0 for code-scanning tools
${MODEL_HELP}

${EXIT_CODES}`,
  run: `Usage: convlens run FILE --out DIR [--input SAMPLE|X.npy] [--weights W] [--seed N]
                          [--init scaled|torch]

Runs the network on a sample tensor with ConvLens's kernels and writes every layer's output to
DIR/<layer name>.npy (float32, no batch axis), printing one line of statistics per layer.

  --out DIR       where the .npy files go (created when missing)
  --input NAME    impulse (default), scene, checkerboard, ramp, circles, edge, noise, sine, step, or a
                  .npy file of the declared input shape (a leading batch axis of 1 is accepted)
  --weights W     trained weights (.pt / .pth written by torch.save: a state_dict, a checkpoint,
                  an Ultralytics model; Darknet .weights), matched to the layers by name; a file
                  that does not fit every layer is refused (exit 2), never run in part
  --seed N        without --weights, the seed of the random weights (0)
  --init I        without --weights: scaled (default; fan-in scaled so that activations keep
                  their scale through the network) or torch (PyTorch's default initialisation)
${MODEL_HELP}

${FILES}

${EXIT_CODES}`,
};
