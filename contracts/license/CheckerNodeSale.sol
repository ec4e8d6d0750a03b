// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {ICheckerNodeLicense} from "../interfaces/ICheckerNodeLicense.sol";
import {ICheckerNodeSale} from "../interfaces/ICheckerNodeSale.sol";
import {BpsMath} from "../utils/BpsMath.sol";

/// @title CheckerNodeSale
/// @notice See ICheckerNodeSale. Rounding: the discount and the rebate round down, so the buyer
///         never pays less and the referrer never receives more than the exact bps; a licence's
///         refund share rounds down but the shares of a purchase add up to what it paid.
contract CheckerNodeSale is ICheckerNodeSale, AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Assigns referral codes to referrers (see the referral rule in ICheckerNodeSale).
    bytes32 public constant REFERRAL_ROLE = keccak256("REFERRAL_ROLE");
    /// @notice Referral discount and rebate are each at most 15 %.
    uint256 public constant MAX_REFERRAL_BPS = 1_500;
    /// @notice Licences per purchase. A refund burns each licence (about 34k gas each, see
    ///         `npm run bench:licenses`), so a whole purchase refunds in one call of about 3.4M gas,
    ///         far below a block's gas limit.
    uint256 public constant MAX_PURCHASE = 100;

    ICheckerNodeLicense public immutable license;
    IERC20 public immutable stable;
    address public immutable treasury;
    uint64 public immutable allowlistStart;
    uint64 public immutable publicStart;
    uint64 public immutable saleEnd;
    bytes32 public immutable allowlistRoot;
    uint32 public immutable publicWalletCap;
    uint16 public immutable referralDiscountBps;
    uint16 public immutable referralRebateBps;

    Tier[] private _tiers;
    uint256 public immutable supply;
    uint256 public sold;
    State public state;

    mapping(address buyer => uint256) public allowlistMinted;
    mapping(address buyer => uint256) public publicMinted;
    mapping(bytes32 code => address referrer) public referrerOf;
    mapping(uint256 firstTokenId => Purchase) public purchases;
    mapping(address referrer => uint256) public rebateWei;
    mapping(address referrer => uint256) public rebateStable;
    /// @notice Proceeds net of rebates, not yet withdrawn.
    uint256 public proceedsWei;
    uint256 public proceedsStable;

    // Constructor-only (memory): its layout has no storage cost.
    // solhint-disable-next-line gas-struct-packing
    struct Config {
        ICheckerNodeLicense license;
        IERC20 stable;
        address treasury;
        address admin;
        uint64 allowlistStart;
        uint64 publicStart;
        uint64 saleEnd;
        bytes32 allowlistRoot;
        uint32 publicWalletCap;
        uint16 referralDiscountBps;
        uint16 referralRebateBps;
    }

    constructor(Config memory c, Tier[] memory tiers_) {
        if (
            address(c.license) == address(0) ||
            address(c.stable) == address(0) ||
            c.treasury == address(0) ||
            c.admin == address(0) ||
            c.allowlistStart > c.publicStart ||
            c.publicStart >= c.saleEnd ||
            c.referralDiscountBps > MAX_REFERRAL_BPS ||
            c.referralRebateBps > MAX_REFERRAL_BPS ||
            tiers_.length == 0
        ) revert SaleInvalidConfig();
        license = c.license;
        stable = c.stable;
        treasury = c.treasury;
        allowlistStart = c.allowlistStart;
        publicStart = c.publicStart;
        saleEnd = c.saleEnd;
        allowlistRoot = c.allowlistRoot;
        publicWalletCap = c.publicWalletCap;
        referralDiscountBps = c.referralDiscountBps;
        referralRebateBps = c.referralRebateBps;
        uint256 total;
        for (uint256 i = 0; i < tiers_.length; ++i) {
            // prices never fall from one tier to the next
            if (
                tiers_[i].quantity == 0 ||
                (i > 0 &&
                    (tiers_[i].priceWei < tiers_[i - 1].priceWei ||
                        tiers_[i].priceStable < tiers_[i - 1].priceStable))
            ) revert SaleInvalidConfig();
            total += tiers_[i].quantity;
            _tiers.push(tiers_[i]);
        }
        supply = total;
        _grantRole(DEFAULT_ADMIN_ROLE, c.admin);
        _grantRole(PAUSER_ROLE, c.admin);
        _grantRole(REFERRAL_ROLE, c.admin);
    }

    // ------------------------------------------------------------------ buying

    /// @inheritdoc ICheckerNodeSale
    function quote(
        uint256 quantity,
        Currency currency,
        bytes32 referralCode
    ) public view returns (uint256 total, uint256 gross, uint256 discount, uint256 rebate) {
        if (quantity == 0) revert SaleZeroQuantity();
        if (quantity > supply - sold) revert SaleSoldOut(quantity, supply - sold);
        uint256 position = sold;
        uint256 left = quantity;
        uint256 tierEnd;
        for (uint256 t = 0; left > 0; ++t) {
            Tier memory tier = _tiers[t];
            tierEnd += tier.quantity;
            if (position >= tierEnd) continue;
            uint256 n = tierEnd - position < left ? tierEnd - position : left;
            gross += n * (currency == Currency.ETH ? tier.priceWei : tier.priceStable);
            position += n;
            left -= n;
        }
        if (referralCode != bytes32(0)) {
            if (referrerOf[referralCode] == address(0)) revert SaleUnknownReferral(referralCode);
            discount = BpsMath.mulBpsDown(gross, referralDiscountBps);
            rebate = BpsMath.mulBpsDown(gross, referralRebateBps);
        }
        total = gross - discount;
    }

    /// @inheritdoc ICheckerNodeSale
    function buy(
        uint256 quantity,
        Currency currency,
        bytes32 referralCode,
        uint256 maxTotalPrice,
        uint256 allowance,
        bytes32[] calldata proof
    ) external payable whenNotPaused nonReentrant returns (uint256 firstTokenId) {
        if (state != State.Active) revert SaleNotActive(state);
        if (block.timestamp < allowlistStart || block.timestamp >= saleEnd) {
            revert SalePhaseClosed(block.timestamp, allowlistStart, saleEnd);
        }
        _checkAndCountLimit(quantity, allowance, proof);
        (uint256 total, , , uint256 rebate) = quote(quantity, currency, referralCode);
        if (total > maxTotalPrice) revert SaleSlippage(total, maxTotalPrice);
        address referrer = referrerOf[referralCode];
        if (referrer == msg.sender) revert SaleSelfReferral(msg.sender);
        // licence ids are sequential from 1 (ICheckerNodeLicense), so the purchase's first id is
        // known before minting; `_mintAcrossTiers` checks every mint starts where expected
        firstTokenId = license.totalMinted() + 1;

        // effects, all before the mint: the buyer's `onERC721Received` sees the purchase recorded
        sold += quantity;
        if (currency == Currency.ETH) {
            if (msg.value != total) revert SaleWrongPayment(total, msg.value);
            proceedsWei += total - rebate;
            if (rebate > 0) rebateWei[referrer] += rebate;
        } else {
            if (msg.value != 0) revert SaleWrongPayment(0, msg.value);
            proceedsStable += total - rebate;
            if (rebate > 0) rebateStable[referrer] += rebate;
        }
        purchases[firstTokenId] = Purchase({
            paid: SafeCast.toUint128(total),
            quantity: SafeCast.toUint32(quantity),
            currency: currency
        });
        emit Purchased(msg.sender, firstTokenId, quantity, currency, total, referralCode);

        // interactions: pull the stablecoin (crediting only what arrives), then mint
        if (currency == Currency.STABLE) {
            uint256 before = stable.balanceOf(address(this));
            stable.safeTransferFrom(msg.sender, address(this), total);
            uint256 received = stable.balanceOf(address(this)) - before;
            if (received != total) revert SaleWrongPayment(total, received);
        }
        _mintAcrossTiers(msg.sender, sold - quantity, quantity, firstTokenId);
    }

    function _checkAndCountLimit(uint256 quantity, uint256 allowance, bytes32[] calldata proof) private {
        if (quantity == 0) revert SaleZeroQuantity();
        if (quantity > MAX_PURCHASE) revert SalePurchaseTooLarge(quantity, MAX_PURCHASE);
        if (block.timestamp < publicStart) {
            bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(msg.sender, allowance))));
            if (!MerkleProof.verifyCalldata(proof, allowlistRoot, leaf)) {
                revert SaleAllowlistProofInvalid(msg.sender, allowance);
            }
            uint256 used = allowlistMinted[msg.sender];
            if (used + quantity > allowance)
                revert SaleAllowanceExceeded(msg.sender, quantity, allowance - used);
            allowlistMinted[msg.sender] = used + quantity;
        } else {
            uint256 used = publicMinted[msg.sender];
            if (used + quantity > publicWalletCap) {
                revert SaleWalletCapExceeded(msg.sender, quantity, publicWalletCap - used);
            }
            publicMinted[msg.sender] = used + quantity;
        }
    }

    /// @dev Mints licences `[position, position + quantity)` of the sale, one call per tier crossed,
    ///      as the licence ids `[firstTokenId, firstTokenId + quantity)` the purchase recorded.
    function _mintAcrossTiers(address to, uint256 position, uint256 quantity, uint256 firstTokenId) private {
        uint256 tierEnd;
        uint256 next = firstTokenId;
        for (uint256 t = 0; quantity > 0; ++t) {
            tierEnd += _tiers[t].quantity;
            if (position >= tierEnd) continue;
            uint256 n = tierEnd - position < quantity ? tierEnd - position : quantity;
            uint256 id = license.mint(to, n, uint24(t));
            if (id != next) revert SaleUnexpectedLicenceId(next, id);
            next += n;
            position += n;
            quantity -= n;
        }
    }

    /// @inheritdoc ICheckerNodeSale
    function registerReferralCode(bytes32 code, address referrer) external onlyRole(REFERRAL_ROLE) {
        if (referrer == address(0)) revert SaleInvalidReferrer(referrer);
        address current = referrerOf[code];
        if (code == bytes32(0) || current != address(0)) revert SaleReferralCodeTaken(code, current);
        referrerOf[code] = referrer;
        emit ReferralCodeRegistered(code, referrer);
    }

    // ------------------------------------------------------------------ ending

    /// @inheritdoc ICheckerNodeSale
    function cancel() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (state != State.Active) revert SaleNotActive(state);
        // a sale that can no longer sell is over: its buyers keep their licences
        if (block.timestamp >= saleEnd || sold == supply) {
            revert SaleNotCancellable(block.timestamp, saleEnd, supply - sold);
        }
        state = State.Cancelled;
        emit SaleCancelled();
    }

    /// @inheritdoc ICheckerNodeSale
    function finalize() external {
        if (state != State.Active) revert SaleNotActive(state);
        if (block.timestamp < saleEnd && sold < supply) revert SaleNotFinalizable(block.timestamp, saleEnd);
        state = State.Finalized;
        emit SaleFinalized();
    }

    /// @inheritdoc ICheckerNodeSale
    function refund(uint256 firstTokenId, uint256[] calldata tokenIds) external nonReentrant {
        if (state != State.Cancelled) revert SaleNotActive(state);
        if (tokenIds.length == 0) revert SaleZeroQuantity();
        Purchase memory p = purchases[firstTokenId];
        uint256 amount;
        for (uint256 i = 0; i < tokenIds.length; ++i) {
            uint256 id = tokenIds[i];
            // a purchase that does not exist has quantity 0: every id fails this check
            if (id < firstTokenId || id >= firstTokenId + p.quantity) {
                revert SaleTokenNotInPurchase(firstTokenId, id);
            }
            // shares of consecutive indices telescope, so a whole purchase refunds `paid` exactly
            uint256 index = id - firstTokenId;
            amount += Math.mulDiv(p.paid, index + 1, p.quantity) - Math.mulDiv(p.paid, index, p.quantity);
        }
        // In a cancelled sale no rebate is ever paid: the full price goes back to the holders.
        emit Refunded(msg.sender, firstTokenId, tokenIds.length, p.currency, amount);
        // the licence checks the caller holds each one, and a burned licence cannot be refunded twice
        for (uint256 i = 0; i < tokenIds.length; ++i) license.burnFrom(msg.sender, tokenIds[i]);
        _pay(p.currency, msg.sender, amount);
    }

    /// @inheritdoc ICheckerNodeSale
    function purchaseOf(uint256 tokenId) external view returns (uint256 firstTokenId) {
        uint256 floor = tokenId > MAX_PURCHASE ? tokenId - MAX_PURCHASE : 0;
        for (uint256 id = tokenId; id > floor; --id) {
            uint256 quantity = purchases[id].quantity;
            if (quantity != 0) return tokenId - id < quantity ? id : 0;
        }
    }

    /// @inheritdoc ICheckerNodeSale
    function claimRebate(Currency currency, address to) external nonReentrant {
        if (state != State.Finalized) revert SaleNotActive(state);
        if (to == address(0)) revert SaleInvalidReceiver(to);
        mapping(address => uint256) storage rebates = currency == Currency.ETH ? rebateWei : rebateStable;
        uint256 amount = rebates[msg.sender];
        rebates[msg.sender] = 0;
        emit RebateClaimed(msg.sender, to, currency, amount);
        _pay(currency, to, amount);
    }

    /// @inheritdoc ICheckerNodeSale
    function withdrawProceeds(Currency currency) external nonReentrant {
        _withdrawProceeds(currency, treasury);
    }

    /// @inheritdoc ICheckerNodeSale
    function withdrawProceedsTo(Currency currency, address to) external nonReentrant {
        if (msg.sender != treasury) revert SaleNotTreasury(msg.sender);
        if (to == address(0)) revert SaleInvalidReceiver(to);
        _withdrawProceeds(currency, to);
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @notice The price tiers.
    function tiers() external view returns (Tier[] memory) {
        return _tiers;
    }

    /// @dev Pays all the proceeds in `currency` to `to`, once the sale is finalized.
    function _withdrawProceeds(Currency currency, address to) private {
        if (state != State.Finalized) revert SaleNotActive(state);
        uint256 amount;
        if (currency == Currency.ETH) (amount, proceedsWei) = (proceedsWei, 0);
        else (amount, proceedsStable) = (proceedsStable, 0);
        emit ProceedsWithdrawn(to, currency, amount);
        _pay(currency, to, amount);
    }

    /// @dev Pays `amount` of one currency: each currency moves on its own, so a recipient that
    ///      rejects ETH cannot hold up its stablecoin (or the reverse).
    function _pay(Currency currency, address to, uint256 amount) private {
        if (amount == 0) return;
        if (currency == Currency.STABLE) {
            stable.safeTransfer(to, amount);
        } else {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert SaleTransferFailed(to, amount);
        }
    }
}
