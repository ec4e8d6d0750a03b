export { deployTask as default } from "./arbitrum.js";
