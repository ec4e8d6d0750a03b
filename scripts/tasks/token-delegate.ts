export { delegateTask as default } from "./dev.js";
