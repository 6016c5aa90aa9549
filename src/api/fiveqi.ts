/**
 * Standardized 5QI values and their resource type, from 3GPP TS 23.501 (Rel-18) Table 5.7.4-1.
 * Values 128-254 are operator-specific: their resource type must be stated in the manifest.
 * The CRD's CEL rules and the zod schema are both generated from this one table.
 */
export type ResourceType = 'GBR' | 'NonGBR' | 'DelayCriticalGBR';

export const STANDARD_5QI: Readonly<Record<number, ResourceType>> = {
  1: 'GBR', // conversational voice
  2: 'GBR', // conversational video (live streaming)
  3: 'GBR', // real-time gaming, V2X messages
  4: 'GBR', // non-conversational video (buffered streaming)
  65: 'GBR', // mission-critical push-to-talk voice
  66: 'GBR', // non-mission-critical push-to-talk voice
  67: 'GBR', // mission-critical video user plane
  71: 'GBR', // live uplink streaming
  72: 'GBR',
  73: 'GBR',
  74: 'GBR',
  76: 'GBR',
  5: 'NonGBR', // IMS signalling
  6: 'NonGBR', // video (buffered streaming), TCP-based
  7: 'NonGBR', // voice, video (live streaming), interactive gaming
  8: 'NonGBR',
  9: 'NonGBR', // default bearer: TCP-based best effort
  10: 'NonGBR',
  69: 'NonGBR', // mission-critical delay-sensitive signalling
  70: 'NonGBR', // mission-critical data
  79: 'NonGBR', // V2X messages
  80: 'NonGBR', // low-latency eMBB, augmented reality
  82: 'DelayCriticalGBR', // discrete automation (small packets)
  83: 'DelayCriticalGBR', // discrete automation, V2X platooning
  84: 'DelayCriticalGBR', // intelligent transport systems
  85: 'DelayCriticalGBR', // electricity distribution, high voltage
  86: 'DelayCriticalGBR', // V2X collision avoidance
  87: 'DelayCriticalGBR', // interactive service, motion tracking
  88: 'DelayCriticalGBR',
  89: 'DelayCriticalGBR', // visual content for cloud/edge/split rendering
  90: 'DelayCriticalGBR',
};

export const STANDARD_5QI_VALUES: readonly number[] = Object.keys(STANDARD_5QI)
  .map(Number)
  .sort((a, b) => a - b);
export const OPERATOR_5QI_MIN = 128;
export const OPERATOR_5QI_MAX = 254;

export const isOperator5qi = (v: number): boolean => v >= OPERATOR_5QI_MIN && v <= OPERATOR_5QI_MAX;
export const isKnown5qi = (v: number): boolean => STANDARD_5QI[v] !== undefined || isOperator5qi(v);

/** Resource type of a flow: the table's for a standardized 5QI, else what the manifest says. */
export function resourceTypeOf(fiveQI: number, stated?: ResourceType): ResourceType | undefined {
  return STANDARD_5QI[fiveQI] ?? stated;
}
