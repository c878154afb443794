// The WebAssembly module of @ad/kernels: one export line per kernel file. The build script
// (scripts/build-wasm.ts) compiles whatever this file exports into src/wasm/simd.generated.ts.
export * from './memory';
export * from './matmul';
export * from './symeig';
export * from './svd';
export * from './eig';
export * from './lu';
