import { useApi } from '@backstage/core-plugin-api';
import {
  OnboardingJob,
  OnboardingJobInput,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { useCallback, useEffect, useState } from 'react';
import { crossmeshApiRef } from '../../api';

/** How often a running job is read again (ADR 0028: clients poll the job). */
export const ONBOARDING_POLL_MS = 1000;

/**
 * Starts an onboarding job and follows it: the job as last read, re-read every
 * `pollMs` while it runs, and the error of a refused start or of a failed read.
 */
export function useOnboardingJob(pollMs: number = ONBOARDING_POLL_MS) {
  const api = useApi(crossmeshApiRef);
  const [job, setJob] = useState<OnboardingJob>();
  const [error, setError] = useState<Error>();
  const [starting, setStarting] = useState(false);

  const start = useCallback(
    async (input: OnboardingJobInput) => {
      setError(undefined);
      setStarting(true);
      try {
        setJob(await api.startOnboarding(input));
      } catch (e) {
        setError(e as Error);
      } finally {
        setStarting(false);
      }
    },
    [api],
  );

  const jobId = job?.id;
  const running = job?.state === 'running';
  useEffect(() => {
    if (!jobId || !running) {
      return undefined;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const next = await api.getOnboardingJob(jobId);
        if (!cancelled) {
          setError(undefined);
          setJob(next);
        }
      } catch (e) {
        if (!cancelled) {
          setError(e as Error);
          // Read again after a failed read: the job goes on in the backend.
          setJob(current => current && { ...current });
        }
      }
    }, pollMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, jobId, running, job, pollMs]);

  return { job, error, starting, start };
}
