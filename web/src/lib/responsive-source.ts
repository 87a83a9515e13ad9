/**
 * A File as the client's PictureSource whose stream gives the page back to the browser every
 * ~12 ms: the client hashes on the main thread, and a large picture's chunks arrive faster than
 * they hash, so without this the page (and its progress bars) would freeze until the end.
 */
import type { PictureSource } from '../../../client/src/browser.js';

const SLICE_MS = 12;

/**
 * The next task through a MessageChannel: not a timer (background tabs run those once a second at
 * best), and not `scheduler.yield()`, whose prioritised continuation leaves frames unpainted.
 */
const nextTask = (): Promise<void> =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });

export const responsiveSource = (file: File): PictureSource => ({
  name: file.name,
  size: file.size,
  stream: () => {
    let since = performance.now();
    return (file.stream() as ReadableStream<Uint8Array>).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        async transform(chunk, controller) {
          if (performance.now() - since > SLICE_MS) {
            await nextTask();
            since = performance.now();
          }
          controller.enqueue(chunk);
        },
      }),
    );
  },
  uploadBody: () => file,
});
