// Every scenario, in recording order.
import proxyAddressChange from './proxy-address-change.mjs';

export const SCENARIOS = [proxyAddressChange];
