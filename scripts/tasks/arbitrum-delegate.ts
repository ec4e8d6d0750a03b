export { delegateTask as default } from "./arbitrum.js";
