export { buildEpochTask as default } from "./arbitrum.js";
