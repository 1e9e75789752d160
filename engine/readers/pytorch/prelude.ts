// Library helpers model files import from other files, written in Python as the reader's own
// prelude: torchvision's model utilities (_make_divisible, _ovewrite_named_param, the weights
// enums' verify, ops.misc's Conv2d/Conv3dNormActivation, SqueezeExcitation, Permute and MLP,
// ops.StochasticDepth) behave as torchvision 0.14 defines them
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


class ConvNormActivation(torch.nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1, norm_layer=torch.nn.BatchNorm2d, activation_layer=torch.nn.ReLU, dilation=1, inplace=True, bias=None, conv_layer=torch.nn.Conv2d):
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                n = len(kernel_size) if isinstance(kernel_size, (list, tuple)) else len(dilation)
                ks = tuple(kernel_size) if isinstance(kernel_size, (list, tuple)) else (kernel_size,) * n
                ds = tuple(dilation) if isinstance(dilation, (list, tuple)) else (dilation,) * n
                padding = tuple((ks[i] - 1) // 2 * ds[i] for i in range(n))
        if bias is None:
            bias = norm_layer is None
        layers = [conv_layer(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation, groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            params = {} if inplace is None else {"inplace": inplace}
            layers.append(activation_layer(**params))
        super().__init__(*layers)
        self.out_channels = out_channels


class Conv2dNormActivation(ConvNormActivation):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1, norm_layer=torch.nn.BatchNorm2d, activation_layer=torch.nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer, activation_layer, dilation, inplace, bias, torch.nn.Conv2d)


class Conv3dNormActivation(ConvNormActivation):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1, norm_layer=torch.nn.BatchNorm3d, activation_layer=torch.nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer, activation_layer, dilation, inplace, bias, torch.nn.Conv3d)


class SqueezeExcitation(torch.nn.Module):
    def __init__(self, input_channels, squeeze_channels, activation=torch.nn.ReLU, scale_activation=torch.nn.Sigmoid):
        super().__init__()
        self.avgpool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc1 = torch.nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = torch.nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, input):
        scale = self.avgpool(input)
        scale = self.fc1(scale)
        scale = self.activation(scale)
        scale = self.fc2(scale)
        return self.scale_activation(scale)

    def forward(self, input):
        scale = self._scale(input)
        return scale * input


def stochastic_depth(input, p, mode, training=True):
    if p < 0.0 or p > 1.0:
        raise ValueError("drop probability has to be between 0 and 1")
    if mode not in ["batch", "row"]:
        raise ValueError("mode has to be either 'batch' or 'row'")
    if not training or p == 0.0:
        return input
    raise NotImplementedError("stochastic depth while training")


class StochasticDepth(torch.nn.Module):
    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return stochastic_depth(input, self.p, self.mode, self.training)


class Permute(torch.nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.permute(x, self.dims)


class MLP(torch.nn.Sequential):
    def __init__(self, in_channels, hidden_channels, norm_layer=None, activation_layer=torch.nn.ReLU, inplace=True, bias=True, dropout=0.0):
        params = {} if inplace is None else {"inplace": inplace}
        layers = []
        in_dim = in_channels
        for hidden_dim in hidden_channels[:-1]:
            layers.append(torch.nn.Linear(in_dim, hidden_dim, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden_dim))
            layers.append(activation_layer(**params))
            layers.append(torch.nn.Dropout(dropout, **params))
            in_dim = hidden_dim
        layers.append(torch.nn.Linear(in_dim, hidden_channels[-1], bias=bias))
        layers.append(torch.nn.Dropout(dropout, **params))
        super().__init__(*layers)
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
export const PRELUDE_NAMES = new Set(['_make_divisible', '_ovewrite_named_param', '_log_api_usage_once', 'WeightsEnum', 'Conv2dNormActivation', 'Conv3dNormActivation', 'ConvNormActivation', 'SqueezeExcitation', 'stochastic_depth', 'StochasticDepth', 'Permute', 'MLP']);
