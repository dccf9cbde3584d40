import { useApi } from '@backstage/core-plugin-api';
import {
  IntermediateIssueResult,
  RotationResult,
  TrustConfirmation,
  TrustRoot,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { useState } from 'react';
import { crossmeshApiRef } from '../../api';
import { TrustOutcome } from './DistributionResults';
import { RootRequest } from './NewRootDialog';
import { rotationPhaseWords } from './rotationModel';

function day(iso: string) {
  return iso.slice(0, 10);
}

function issued(
  cluster: string,
  result: IntermediateIssueResult,
): TrustOutcome {
  return {
    summary: `${cluster} has a new intermediate CA (serial ${
      result.intermediate.serial
    }, expires ${day(result.intermediate.notAfter)}).`,
    distribution: [result.distribution],
  };
}

/**
 * The trust steps a person can take, each reporting what it did; `onChanged` reloads what
 * the page shows afterwards. Errors reach the dialog that started the step.
 */
export function useTrustActions(onChanged: () => void) {
  const api = useApi(crossmeshApiRef);
  const [outcome, setOutcome] = useState<TrustOutcome>();
  const finish = (next: TrustOutcome) => {
    setOutcome(next);
    onChanged();
  };
  const rotated = (result: RotationResult, what: string) =>
    finish({
      summary: `${what} ${rotationPhaseWords(result.rotation.phase)}`,
      distribution: result.distribution,
    });
  const waiting = (confirmation: TrustConfirmation) =>
    finish({
      summary: `Waiting for a second platform member to confirm: ${confirmation.summary}.`,
      distribution: [],
    });

  return {
    outcome,
    dismissOutcome: () => setOutcome(undefined),
    createRoot: async (request: RootRequest) => {
      const root: TrustRoot =
        request.source === 'generate'
          ? await api.generateRoot(request.body)
          : await api.importRoot(request.body);
      finish({
        summary: `The mesh's root CA ${root.subject} is in place (expires ${day(
          root.notAfter,
        )}). Next: give each cluster its intermediate CA.`,
        distribution: [],
      });
    },
    issueIntermediate: async (cluster: string) =>
      finish(issued(cluster, await api.issueIntermediate(cluster))),
    uploadIntermediate: async (cluster: string, certPem: string) =>
      finish(issued(cluster, await api.uploadIntermediate(cluster, certPem))),
    createCsr: async (cluster: string) => {
      const csr = await api.createIntermediateCsr(cluster);
      onChanged();
      return csr;
    },
    distribute: async () => {
      const result = await api.distributeCacerts();
      finish({
        summary: "Wrote each cluster's cacerts from crossmesh's records.",
        distribution: result.items,
      });
    },
    startRotation: async (request: RootRequest) =>
      waiting((await api.startRotation(request.body)).confirmation),
    advanceRotation: async () => {
      const result = await api.advanceRotation();
      if ('confirmation' in result) {
        waiting(result.confirmation);
      } else {
        rotated(result, 'Rotation moved on:');
      }
    },
    confirmRootOperation: async (confirmation: TrustConfirmation) =>
      rotated(
        await api.confirmRootOperation(
          confirmation.id,
          confirmation.fingerprintSha256,
        ),
        confirmation.action === 'rotation.start'
          ? 'Rotation started with the new root:'
          : 'Rotation moved on:',
      ),
    cancelRootOperation: async (confirmation: TrustConfirmation) => {
      await api.cancelRootOperation(confirmation.id);
      finish({
        summary: `Cancelled: ${confirmation.summary}.`,
        distribution: [],
      });
    },
  };
}

/** The trust steps, as {@link useTrustActions} returns them. */
export type TrustActions = ReturnType<typeof useTrustActions>;
