// SPDX-License-Identifier: MIT
// Compiled with `tsc --noEmit` by types.test.mjs: the hand-written cartcore.d.ts must describe the real usage.
import Cartcore, { CartcoreError, load, type Engine, type Money, type Quote } from "cartcore";

export async function priceOnce(configJson: string, cartJson: string): Promise<Money> {
  const instance = await Cartcore.load({ bytes: new Uint8Array() });
  const engine: Engine = instance.compile(configJson);
  try {
    const quote: Quote = engine.quote(cartJson);
    const first = quote.lines[0];
    const remaining: number | undefined = first?.lowStock?.remaining;
    void remaining;
    return quote.totals.total;
  } catch (error) {
    if (error instanceof CartcoreError) {
      const where: string = error.pointer;
      throw new Error(`${error.code} at ${where}: ${error.message}`);
    }
    throw error;
  } finally {
    engine.dispose();
  }
}

export async function fromModule(module: WebAssembly.Module): Promise<string> {
  const instance = await load({ module });
  using engine = instance.compile({ schemaVersion: 1 });
  const text: string = engine.quoteJson({ lines: [] });
  return text + instance.version() + Cartcore.version;
}

// @ts-expect-error money is a string, never a number
export const wrong: Money = 19.99;
