export { buyTask as default } from "./arbitrum.js";
