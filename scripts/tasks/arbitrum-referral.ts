export { referralTask as default } from "./arbitrum.js";
