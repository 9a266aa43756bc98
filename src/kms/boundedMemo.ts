/**
 * `compute` with its answers kept per argument: for pure functions a fleet asks about the same few values over and over
 * (a Kubernetes version, a key ID: 10,000 clusters share a few dozen). At most `limit` answers are kept, so no input
 * can grow the memory without end; `worthKeeping` can leave some answers out (e.g. errors worded for the user).
 */
export function boundedMemo<R>(compute: (arg: string) => R, limit: number, worthKeeping: (answer: R) => boolean = () => true): (arg: string) => R {
  const answers = new Map<string, R>();
  return arg => {
    const known = answers.get(arg);
    if (known !== undefined) {
      return known;
    }
    const answer = compute(arg);
    if (answers.size < limit && worthKeeping(answer)) {
      answers.set(arg, answer);
    }
    return answer;
  };
}
