export { claimTask as default } from "./arbitrum.js";
