import Uppy, { type Body, type Meta } from '@uppy/core';

/**
 * Uppy with nothing left behind after `destroy()`. Uppy's constructor
 * schedules an online-status check three seconds later that its `destroy()`
 * does not cancel; run after a destroy — or after a test environment has
 * removed `window` — it read `window.navigator` and threw. Here that late
 * check does nothing. (The engine hears of the network through its own
 * listeners, attached on first use and removed by `destroy`.)
 */
export class EngineUppy<M extends Meta, B extends Body> extends Uppy<M, B> {
  #destroyed = false;

  override updateOnlineStatus(): void {
    if (this.#destroyed || typeof window === 'undefined') return;
    super.updateOnlineStatus();
  }

  override destroy(): void {
    this.#destroyed = true;
    super.destroy();
  }
}
