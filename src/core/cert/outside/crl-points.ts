import type {x509} from '../x509.js'

/** Shared by import (the URL the inventory shows) and check (every URL tried). */
export const HTTP = /^https?:\/\//i

export type Lib = Awaited<ReturnType<typeof x509>>

/** The URIs of a certificate's CRL distribution points, in its order. */
export function distributionPoints(lib: Lib, pem: string): string[] {
  const dp = new lib.X509Certificate(pem).getExtension(lib.CRLDistributionPointsExtension)
  return (dp?.distributionPoints ?? []).flatMap((p) => p.distributionPoint?.fullName ?? []).flatMap((n) => (n.uniformResourceIdentifier ? [n.uniformResourceIdentifier] : []))
}
