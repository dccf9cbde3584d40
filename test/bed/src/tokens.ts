import { randomBytes } from 'node:crypto';
import { crossmeshGroup, crossmeshUser } from './crossmeshAccess';

export const adminUser = 'test-bed-admin';

export interface ClusterTokens {
  adminToken: string;
  crossmeshToken: string;
}

export function newTokens(): ClusterTokens {
  return {
    adminToken: randomBytes(24).toString('hex'),
    crossmeshToken: randomBytes(24).toString('hex'),
  };
}

/** The apiserver's --token-auth-file: token,user,uid,"groups". */
export function renderTokenFile({
  adminToken,
  crossmeshToken,
}: ClusterTokens): string {
  return [
    `${adminToken},${adminUser},${adminUser},"system:masters"`,
    `${crossmeshToken},${crossmeshUser},${crossmeshUser},"${crossmeshGroup}"`,
    '',
  ].join('\n');
}
