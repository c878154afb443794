// Memory layout shared with the JavaScript side (src/backend.ts).
//
// The module imports its memory (env.memory): JavaScript reserves it once, at its full size, and never grows it.
// Static data sits below __heap_base; the JavaScript allocator hands out the bytes above it. Kernels therefore never
// allocate managed objects (`new`, arrays, strings): every buffer, scratch space included, arrives as a byte
// pointer. The build script rejects a module that links the runtime allocator.

/** First byte above the module's static data: where the JavaScript heap may start. */
export function heapBase(): usize {
  return __heap_base;
}
