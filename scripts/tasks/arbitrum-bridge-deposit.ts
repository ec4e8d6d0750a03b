export { bridgeDepositTask as default } from "./arbitrum.js";
