export { closeEpochTask as default } from "./arbitrum.js";
