export { executeTask as default } from "./emission.js";
