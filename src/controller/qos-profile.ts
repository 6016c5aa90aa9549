import type { SliceView } from './slice-view.js';

/**
 * The per-slice QoS profile the SMF/UPF read (mounted from a ConfigMap): 5QI, ARP, GBR/MBR and
 * AMBR per flow with the QFI mapping, plus the UPF pool the SMF must know about — the SMF's UPF
 * list has to follow UPF replicas and sites, or scaled-out UPFs carry no traffic. Pure.
 */
export function qosProfile(v: SliceView, upf: { service: string; replicas: number; sites: string[] }): Record<string, unknown> {
  return {
    snssai: { sst: v.sst, ...(v.sd ? { sd: v.sd } : {}) },
    plmn: { mcc: v.mcc, mnc: v.mnc },
    serviceType: v.serviceType,
    sessionAmbr: v.qos.sessionAmbr ?? null,
    defaultQos: { fiveQI: v.qos.defaultFiveQI, arp: v.qos.defaultArp },
    flows: [...v.qos.flows]
      .sort((a, b) => a.qfi - b.qfi)
      .map((f) => ({
        qfi: f.qfi,
        fiveQI: f.fiveQI,
        resourceType: f.resourceType,
        arp: f.arp,
        ...(f.gfbr ? { gfbr: f.gfbr } : {}),
        ...(f.mfbr ? { mfbr: f.mfbr } : {}),
      })),
    upfPool: upf,
  };
}

/** Scheduling priority by service type: URLLC pre-empts eMBB, which pre-empts mMTC. */
export const PRIORITY_BY_SERVICE: Record<SliceView['serviceType'], number> = {
  URLLC: 1_000_000,
  V2X: 900_000,
  eMBB: 500_000,
  custom: 400_000,
  mMTC: 100_000,
};
