import { expect } from 'vitest';
import { DomainError, type ErrorCode } from '../../src/core/errors.js';

/** Runs `fn`, asserts it throws a DomainError with `code`, and returns it. */
export const expectDomainError = (fn: () => unknown, code: ErrorCode): DomainError => {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a DomainError to be thrown').toBeInstanceOf(DomainError);
  const err = thrown as DomainError;
  expect(err.code).toBe(code);
  return err;
};

export const HASH = 'ab'.repeat(32);
export const HASH2 = '0123456789abcdef'.repeat(4);
