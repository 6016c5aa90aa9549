export default async function globalTeardown() {
  await globalThis.__SLICE_E2E_CLUSTER__?.stop();
}
