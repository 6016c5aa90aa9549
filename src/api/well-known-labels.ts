/**
 * Node labels that describe the edge topology. Platform teams put these on their nodes (the local
 * dev cluster puts them on its kwok nodes); the controller discovers sites from them.
 */
export const LABEL_SITE = 'slicing.telco.dev/site';
/** Tier of a site: `edge`, `regional` or `core`. URLLC slices prefer `edge`. */
export const LABEL_SITE_TIER = 'slicing.telco.dev/site-tier';
/** One-way latency from the RAN to the site, in milliseconds (integer string). */
export const LABEL_RAN_LATENCY_MS = 'slicing.telco.dev/ran-latency-ms';
/** Tracking area codes served from the site, separated by '_' (label values cannot hold commas). */
export const LABEL_TRACKING_AREAS = 'slicing.telco.dev/tracking-areas';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
