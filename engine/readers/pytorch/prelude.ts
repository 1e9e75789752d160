// Library helpers model files import from other files, written in Python as the reader's own
// prelude: torchvision's model utilities (_make_divisible, _ovewrite_named_param, the weights
// enums' verify, ops.misc.Conv2dNormActivation) behave as torchvision 0.14 defines them
// (BSD-3-Clause), so torchvision's own model sources and code that copies them are followed.
// The prelude's statements are not the user's: they make no entries, and the modules they build
// are located at the user's call.
import type { Stmt } from './ast';
import { parsePython } from './parse';

export const PRELUDE_SOURCE = `
import torch


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _ovewrite_named_param(kwargs, param, new_value):
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError("the parameter " + param + " has another value than the weights expect")
    else:
        kwargs[param] = new_value


def _log_api_usage_once(obj):
    pass


class WeightsEnum:
    @classmethod
    def verify(cls, obj):
        if obj is not None:
            raise NotImplementedError("pretrained weights")
        return obj


class Conv2dNormActivation(torch.nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1, norm_layer=torch.nn.BatchNorm2d, activation_layer=torch.nn.ReLU, dilation=1, inplace=True, bias=None):
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                ks = kernel_size if isinstance(kernel_size, (list, tuple)) else (kernel_size, kernel_size)
                ds = dilation if isinstance(dilation, (list, tuple)) else (dilation, dilation)
                padding = tuple((ks[i] - 1) // 2 * ds[i] for i in range(2))
        if bias is None:
            bias = norm_layer is None
        layers = [torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation, groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            params = {} if inplace is None else {"inplace": inplace}
            layers.append(activation_layer(**params))
        super().__init__(*layers)
        self.out_channels = out_channels


ConvNormActivation = Conv2dNormActivation
`;

let parsed: Stmt[] | undefined;

/** The prelude's statements, parsed once; every function in it is marked as the prelude's. */
export function preludeStatements(): Stmt[] {
  if (!parsed) {
    parsed = parsePython(PRELUDE_SOURCE).body;
    const mark = (body: Stmt[]) => {
      for (const s of body) {
        if (s.t === 'def') s.def.prelude = true;
        if (s.t === 'class') mark(s.def.body);
      }
    };
    mark(parsed);
  }
  return parsed;
}

/** Names the prelude defines, bound where a file imports them from torchvision or from a relative module. */
export const PRELUDE_NAMES = new Set(['_make_divisible', '_ovewrite_named_param', '_log_api_usage_once', 'WeightsEnum', 'Conv2dNormActivation', 'ConvNormActivation']);
