// Jest test environment for suites that run onnxruntime-node.
//
// Jest evaluates each test file in its own VM realm, so typed-array constructors inside the test
// differ from the ones of the main realm where the native binding allocates output buffers. ORT's
// Tensor checks `data instanceof Float32Array` and rejects every inference result
// ("A float32 tensor's data must be type of function Float32Array()"; jest issue #2549). Jest
// itself already shares ArrayBuffer and Uint8Array with the main realm for the same reason; this
// does the same for the other typed arrays. Production code (plain node, tsx) is unaffected.
/* global require, module */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest loads environments as CommonJS here
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

const SHARED = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint16Array',
  'Uint32Array',
  'Uint8ClampedArray',
  'BigInt64Array',
  'BigUint64Array',
];

class OrtEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;
