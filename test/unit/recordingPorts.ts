/** Wraps EnablePorts so that every method call is recorded by name before it reaches the wrapped ports. */
import type { EnablePorts } from '../../src/kms/enable/ports';

export function recordingPorts(inner: EnablePorts): { ports: EnablePorts; calls: (keyof EnablePorts)[] } {
  const calls: (keyof EnablePorts)[] = [];
  const ports = new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      return (...args: unknown[]) => {
        calls.push(prop as keyof EnablePorts);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { ports, calls };
}
