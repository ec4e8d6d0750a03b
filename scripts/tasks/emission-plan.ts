export { planTask as default } from "./emission.js";
