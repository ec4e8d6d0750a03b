export { setPriceTask as default } from "./arbitrum.js";
