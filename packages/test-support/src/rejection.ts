/**
 * The error `promise` rejects with, checked to be a `type`: a rejection with anything else is
 * thrown on, and a promise that resolves fails with an error saying so.
 */
export async function rejectionOf<E>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a rejection with ${type.name}, the call succeeded`);
}
