export { postTask as default } from "./arbitrum.js";
