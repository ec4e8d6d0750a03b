export { advanceTask as default } from "./dev.js";
